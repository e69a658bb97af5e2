/** Role by role, own organisation and other organisation: who may do what with slips. */
import { describe, expect, it } from 'vitest';
import type { Actor, Role } from '../../platform/auth/actor.ts';
import { NO_TERRITORY } from '../../platform/auth/territory.ts';
import { orientationPolicy, statisticsScope } from './policies.ts';

const OWN = 'org-1';
const OTHER = 'org-2';

function actor(who: Role | 'admin' | 'aucun', org = OWN): Actor {
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
/** A slip made by OWN, naming a place of OTHER. */
const slip = { prescriberOrganisationId: OWN, destinationOrganisationId: OTHER };
const open = { prescriberOrganisationId: OWN, destinationOrganisationId: null };
// Expected answer for: admin, coordinateur, responsable, aidant, prescripteur, financeur, agent, aucun — member of OWN.
const table: Array<[string, (a: Actor) => boolean, boolean[]]> = [
  [
    'runWithPerson (own)',
    (a) => orientationPolicy.runWithPerson(a, { id: OWN }),
    [false, false, true, true, true, false, false, false],
  ],
  [
    'runWithPerson (other)',
    (a) => orientationPolicy.runWithPerson(a, { id: OTHER }),
    [false, false, false, false, false, false, false, false],
  ],
  [
    'orientSlip (own slip)',
    (a) => orientationPolicy.orientSlip(a, slip),
    [false, false, true, true, true, false, false, false],
  ],
  [
    'readSlipNote (own slip)',
    (a) => orientationPolicy.readSlipNote(a, slip),
    [false, false, true, true, true, false, false, false],
  ],
  [
    'honourSlip (slip naming another organisation’s place)',
    (a) => orientationPolicy.honourSlip(a, { slip, organisationId: OWN }),
    [false, false, false, false, false, false, false, false],
  ],
  [
    'honourSlip (slip naming no place)',
    (a) => orientationPolicy.honourSlip(a, { slip: open, organisationId: OWN }),
    [false, false, true, true, false, false, false, false],
  ],
  ['lookUpSlips', (a) => orientationPolicy.lookUpSlips(a, null), [false, false, true, true, true, false, false, false]],
  [
    'viewStatistics',
    (a) => orientationPolicy.viewStatistics(a, null),
    [true, true, false, false, false, false, false, false],
  ],
];

describe('orientation policy', () => {
  for (const [name, rule, expected] of table) {
    it(name, () => {
      expect(who.map((w) => rule(actor(w)))).toEqual(expected);
    });
  }

  it('lets the place’s organisation read the note and honour the slip, and nobody else', () => {
    const receiver = actor('aidant', OTHER);
    expect(orientationPolicy.readSlipNote(receiver, slip)).toBe(true);
    expect(orientationPolicy.honourSlip(receiver, { slip, organisationId: OTHER })).toBe(true);
    expect(orientationPolicy.orientSlip(receiver, slip)).toBe(false);
    const stranger = actor('aidant', 'org-3');
    expect(orientationPolicy.readSlipNote(stranger, slip)).toBe(false);
    expect(orientationPolicy.honourSlip(stranger, { slip, organisationId: 'org-3' })).toBe(false);
    // Claiming another organisation than one's own is refused.
    expect(orientationPolicy.honourSlip(stranger, { slip: open, organisationId: OWN })).toBe(false);
  });

  it('shows a coordinateur the départements of their organisation’s territory, nothing national', () => {
    expect(statisticsScope(actor('coordinateur'))).toEqual({
      kind: 'departements',
      departements: ['83', '84'],
    });
    expect(statisticsScope(actor('coordinateur', OTHER))).toEqual({ kind: 'none' });
    expect(statisticsScope(actor('admin'))).toEqual({ kind: 'national' });
    expect(statisticsScope(actor('aidant'))).toEqual({ kind: 'none' });
  });
});
