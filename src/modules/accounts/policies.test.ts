import { describe, expect, it } from 'vitest';
import type { Actor, Role } from '../../platform/auth/actor.ts';
import { NO_TERRITORY } from '../../platform/auth/territory.ts';
import { accountsPolicy } from './policies.ts';

const ORG = { id: 'org-1', territory: NO_TERRITORY };
const OTHER = { id: 'org-2', territory: NO_TERRITORY };

function actor(role: Role | 'admin' | 'aucun', org = ORG.id): Actor {
  return {
    userId: 'u',
    email: 'u@exemple.fr',
    displayName: 'U',
    isPlatformAdmin: role === 'admin',
    sessionId: 's',
    hasSecondFactor: true,
    memberships:
      role === 'admin' || role === 'aucun'
        ? []
        : [{ organisationId: org, organisationName: 'Org', role, canActOnBehalf: false, territory: NO_TERRITORY }],
  };
}

// Expected answer per rule, for: admin, coordinateur, responsable, aidant, prescripteur, financeur, agent, aucun.
const table: Record<keyof typeof accountsPolicy, boolean[]> = {
  administerPlatform: [true, false, false, false, false, false, false, false],
  viewOrganisation: [true, true, true, true, true, true, true, false],
  manageMembers: [true, false, true, false, false, false, false, false],
  habilitateHelpers: [true, false, false, false, false, false, false, false],
  viewJournal: [true, false, false, false, false, false, false, false],
};
const who = ['admin', 'coordinateur', 'responsable', 'aidant', 'prescripteur', 'financeur', 'agent', 'aucun'] as const;

describe('accounts policy, role by role', () => {
  for (const [rule, expected] of Object.entries(table)) {
    it(rule, () => {
      const fn = accountsPolicy[rule as keyof typeof accountsPolicy] as (a: Actor, r: unknown) => boolean;
      expect(
        who.map((w) => fn(actor(w), rule === 'administerPlatform' || rule === 'viewJournal' ? null : ORG)),
      ).toEqual(expected);
    });
  }

  it('gives no right in an organisation one does not belong to', () => {
    for (const w of who.filter((x) => x !== 'admin')) {
      expect(accountsPolicy.viewOrganisation(actor(w), OTHER)).toBe(false);
      expect(accountsPolicy.manageMembers(actor(w), OTHER)).toBe(false);
    }
  });
});
