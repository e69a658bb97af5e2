/** Role by role, own organisation and other organisation: who may do what with support sessions. */
import { describe, expect, it } from 'vitest';
import type { Actor, Role } from '../../platform/auth/actor.ts';
import { NO_TERRITORY } from '../../platform/auth/territory.ts';
import { departementsOf, mayViewDepartement, supportPolicy, territoryScope } from './policies.ts';

const OWN = 'org-1';
const OTHER = 'org-2';

function actor(who: Role | 'admin' | 'aucun', org = OWN, userId = 'u'): Actor {
  return {
    userId,
    email: 'u@exemple.fr',
    displayName: 'U',
    isPlatformAdmin: who === 'admin',
    sessionId: 's',
    hasSecondFactor: true,
    memberships:
      who === 'admin' || who === 'aucun'
        ? []
        : [
            {
              organisationId: org,
              organisationName: 'Org',
              role: who,
              canActOnBehalf: false,
              territory: org === OWN ? { departements: ['83'], communes: ['84007'] } : NO_TERRITORY,
            },
          ],
  };
}

const who = ['admin', 'coordinateur', 'responsable', 'aidant', 'prescripteur', 'financeur', 'agent', 'aucun'] as const;
// Expected answer for: admin, coordinateur, responsable, aidant, prescripteur, financeur, agent, aucun — member of OWN.
const table: Array<[string, (a: Actor) => boolean, boolean[]]> = [
  [
    'recordSession (own)',
    (a) => supportPolicy.recordSession(a, { id: OWN }),
    [false, false, true, true, false, false, false, false],
  ],
  [
    'recordSession (other)',
    (a) => supportPolicy.recordSession(a, { id: OTHER }),
    [false, false, false, false, false, false, false, false],
  ],
  [
    'changeSession (own record)',
    (a) => supportPolicy.changeSession(a, { organisationId: OWN, helperUserId: 'u' }),
    [false, false, true, true, false, false, false, false],
  ],
  [
    'changeSession (a colleague’s record)',
    (a) => supportPolicy.changeSession(a, { organisationId: OWN, helperUserId: 'someone-else' }),
    [false, false, false, false, false, false, false, false],
  ],
  [
    'changeSession (own record, in a structure left since)',
    (a) => supportPolicy.changeSession(a, { organisationId: OTHER, helperUserId: 'u' }),
    [false, false, false, false, false, false, false, false],
  ],
  [
    'viewOwnSessions',
    (a) => supportPolicy.viewOwnSessions(a, null),
    [false, false, true, true, false, false, false, false],
  ],
  [
    'viewStructure (own)',
    (a) => supportPolicy.viewStructure(a, { id: OWN }),
    [false, false, true, false, false, false, false, false],
  ],
  [
    'viewStructure (other)',
    (a) => supportPolicy.viewStructure(a, { id: OTHER }),
    [false, false, false, false, false, false, false, false],
  ],
  [
    'viewTerritory',
    (a) => supportPolicy.viewTerritory(a, null),
    [true, true, false, false, false, false, false, false],
  ],
];

describe('support policy', () => {
  for (const [name, rule, expected] of table) {
    it(name, () => {
      expect(who.map((w) => rule(actor(w)))).toEqual(expected);
    });
  }

  it('gives a coordinateur the territory of their organisation, an administrator the country', () => {
    expect(territoryScope(actor('admin'))).toEqual({ kind: 'national' });
    const scope = territoryScope(actor('coordinateur'));
    expect(scope).toEqual({ kind: 'territory', departements: ['83'], communes: ['84007'] });
    expect(departementsOf(scope)).toEqual(['83', '84']);
    expect(mayViewDepartement(actor('coordinateur'), '83')).toBe(true);
    expect(mayViewDepartement(actor('coordinateur'), '84')).toBe(false);
    expect(territoryScope(actor('coordinateur', OTHER))).toEqual({ kind: 'none' });
    expect(territoryScope(actor('responsable'))).toEqual({ kind: 'none' });
    expect(mayViewDepartement(actor('admin'), '2A')).toBe(true);
  });
});
