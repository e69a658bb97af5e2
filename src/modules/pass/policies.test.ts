import { describe, expect, it } from 'vitest';
import type { Actor, Role } from '../../platform/auth/actor.ts';
import { NO_TERRITORY, type Territory } from '../../platform/auth/territory.ts';
import { passPolicy } from './policies.ts';

const ORG = 'org-1';
const VAR: Territory = { departements: ['83'], communes: [] };
const programme = {
  coordinator_organisation_id: ORG,
  funder_organisation_id: ORG,
  territory_departements: ['83'],
  territory_communes: [],
};
const placeInVar = { code_insee: '83137', code_postal: '83000' };

function actor(who: Role | 'admin' | 'aucun', territory: Territory = VAR, org = ORG): Actor {
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
        : [{ organisationId: org, organisationName: 'Org', role: who, canActOnBehalf: false, territory }],
  };
}

const who = ['admin', 'coordinateur', 'responsable', 'aidant', 'prescripteur', 'financeur', 'agent', 'aucun'] as const;
// Expected answer per rule for: admin, coordinateur, responsable, aidant, prescripteur, financeur, agent, aucun.
const table: Array<[string, (a: Actor) => boolean, boolean[]]> = [
  [
    'createProgramme',
    (a) => passPolicy.createProgramme(a, { coordinatorOrganisationId: ORG, territory: VAR }),
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
    'acceptProgramme',
    (a) => passPolicy.acceptProgramme(a, programme),
    [false, false, false, false, false, true, false, false],
  ],
  [
    'payStatement',
    (a) => passPolicy.payStatement(a, { funder_organisation_id: ORG }),
    [false, false, false, false, false, true, false, false],
  ],
  ['distribute', (a) => passPolicy.distribute(a, { id: ORG }), [true, false, true, false, true, false, false, false]],
  [
    'requestQualification',
    (a) => passPolicy.requestQualification(a, { id: ORG }),
    [true, false, true, false, false, false, false, false],
  ],
  [
    'decideQualification (another structure of the territory)',
    (a) => passPolicy.decideQualification(a, { organisation_id: 'org-2', place: placeInVar }),
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

  it('keeps a coordinateur inside its territory and away from its own place', () => {
    const vaucluse = actor('coordinateur', { departements: ['84'], communes: [] });
    expect(passPolicy.manageProgramme(vaucluse, programme)).toBe(false);
    expect(passPolicy.decideQualification(vaucluse, { organisation_id: 'org-2', place: placeInVar })).toBe(false);
    expect(passPolicy.decideQualification(actor('coordinateur'), { organisation_id: ORG, place: placeInVar })).toBe(
      false,
    );
    expect(passPolicy.viewProgramme(actor('coordinateur', VAR, 'org-3'), programme)).toBe(true);
    expect(passPolicy.viewProgramme(vaucluse, { ...programme, coordinator_organisation_id: 'org-3' })).toBe(false);
  });

  it('gives a coordinateur without territory no territorial power', () => {
    const none = actor('coordinateur', NO_TERRITORY);
    expect(passPolicy.createProgramme(none, { coordinatorOrganisationId: ORG, territory: VAR })).toBe(false);
    expect(passPolicy.reviewQualifications(none, null)).toBe(false);
    expect(passPolicy.mayCreateProgrammes(none, null)).toBe(false);
  });

  it('lets a financeur see only the programmes its organisation funds', () => {
    expect(passPolicy.viewProgramme(actor('financeur', VAR, 'org-9'), programme)).toBe(false);
    expect(passPolicy.payStatement(actor('financeur', VAR, 'org-9'), { funder_organisation_id: ORG })).toBe(false);
  });
});
