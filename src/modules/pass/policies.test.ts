import { describe, expect, it } from 'vitest';
import type { Actor, Role } from '../../platform/auth/actor.ts';
import { NO_TERRITORY } from '../../platform/auth/territory.ts';
import { passPolicy } from './policies.ts';

const ORG = 'org-1';
const programme = { coordinator_organisation_id: ORG, funder_organisation_id: ORG };

function actor(who: Role | 'admin' | 'aucun'): Actor {
  return {
    userId: 'u',
    email: 'u@exemple.fr',
    displayName: 'U',
    isPlatformAdmin: who === 'admin',
    sessionId: 's',
    hasSecondFactor: true,
    memberships:
      who === 'admin' || who === 'aucun'
        ? []
        : [{ organisationId: ORG, organisationName: 'Org', role: who, canActOnBehalf: false, territory: NO_TERRITORY }],
  };
}

const who = ['admin', 'coordinateur', 'responsable', 'aidant', 'prescripteur', 'financeur', 'agent', 'aucun'] as const;
// Expected answer per rule for: admin, coordinateur, responsable, aidant, prescripteur, financeur, agent, aucun.
const table: Array<[string, (a: Actor) => boolean, boolean[]]> = [
  [
    'createProgramme',
    (a) => passPolicy.createProgramme(a, null),
    [true, true, false, false, false, false, false, false],
  ],
  [
    'manageProgramme',
    (a) => passPolicy.manageProgramme(a, programme),
    [true, true, false, false, false, false, false, false],
  ],
  [
    'viewProgramme',
    (a) => passPolicy.viewProgramme(a, programme),
    [true, true, false, false, false, true, false, false],
  ],
  [
    'payStatements',
    (a) => passPolicy.payStatements(a, { id: ORG }),
    [true, true, false, false, false, true, false, false],
  ],
  ['distribute', (a) => passPolicy.distribute(a, { id: ORG }), [true, false, true, false, true, false, false, false]],
  [
    'requestQualification',
    (a) => passPolicy.requestQualification(a, { id: ORG }),
    [true, false, true, false, false, false, false, false],
  ],
  [
    'decideQualification',
    (a) => passPolicy.decideQualification(a, null),
    [true, true, false, false, false, false, false, false],
  ],
  ['redeem', (a) => passPolicy.redeem(a, { id: ORG }), [false, false, true, true, false, false, false, false]],
  [
    'manageApiTokens',
    (a) => passPolicy.manageApiTokens(a, { id: ORG }),
    [false, false, true, false, false, false, false, false],
  ],
];

describe('pass policy, role by role', () => {
  for (const [name, rule, expected] of table) {
    it(name, () => {
      expect(who.map((w) => rule(actor(w)))).toEqual(expected);
    });
  }

  it('never lets a helper redeem for another organisation', () => {
    expect(passPolicy.redeem(actor('aidant'), { id: 'org-2' })).toBe(false);
    expect(passPolicy.distribute(actor('prescripteur'), { id: 'org-2' })).toBe(false);
  });
});
