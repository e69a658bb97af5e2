/** The people policy role by role (ADR 0018): the follow link is the grant, territory gives nothing. */
import { describe, expect, it } from 'vitest';
import type { Actor, Role } from '../../platform/auth/actor.ts';
import { can } from '../../platform/auth/policy.ts';
import { followedPeopleScope, peoplePolicy } from './policies.ts';

const FOLLOWER = 'org-suivante';
const OTHER = 'org-autre';
const VAR = { departements: ['83'], communes: [] };

function actor(role: Role | 'admin', organisationId = FOLLOWER): Actor {
  return {
    userId: 'u',
    email: 'u@exemple.fr',
    displayName: 'U',
    isPlatformAdmin: role === 'admin',
    memberships:
      role === 'admin'
        ? []
        : [
            {
              organisationId,
              organisationName: 'O',
              role,
              canActOnBehalf: false,
              territory: role === 'coordinateur' ? VAR : { departements: [], communes: [] },
            },
          ],
    sessionId: 's',
    hasSecondFactor: true,
  };
}

const person = { followers: [FOLLOWER] };

describe('people policy', () => {
  const table: Array<[Role | 'admin', { create: boolean; view: boolean; manage: boolean }]> = [
    ['aidant', { create: true, view: true, manage: false }],
    ['responsable', { create: true, view: true, manage: true }],
    ['prescripteur', { create: true, view: true, manage: false }],
    ['coordinateur', { create: false, view: false, manage: false }],
    ['financeur', { create: false, view: false, manage: false }],
    ['agent', { create: false, view: false, manage: false }],
    ['admin', { create: false, view: false, manage: false }],
  ];
  for (const [role, expected] of table) {
    it(`${role} of a following structure: create ${expected.create}, view ${expected.view}, manage ${expected.manage}`, () => {
      const a = actor(role);
      expect(can(a, peoplePolicy.createPerson, { id: FOLLOWER })).toBe(expected.create);
      expect(can(a, peoplePolicy.findByCode, { id: FOLLOWER })).toBe(expected.create);
      expect(can(a, peoplePolicy.listFollowed, { id: FOLLOWER })).toBe(expected.create);
      expect(can(a, peoplePolicy.viewPerson, person)).toBe(expected.view);
      expect(can(a, peoplePolicy.updatePerson, person)).toBe(expected.view);
      expect(can(a, peoplePolicy.managePerson, person)).toBe(expected.manage);
    });
  }

  it('gives nothing to the same roles in a structure that does not follow the person', () => {
    for (const role of ['aidant', 'responsable', 'prescripteur'] as const) {
      const a = actor(role, OTHER);
      expect(can(a, peoplePolicy.viewPerson, person)).toBe(false);
      expect(can(a, peoplePolicy.managePerson, person)).toBe(false);
      expect(can(a, peoplePolicy.createPerson, { id: FOLLOWER })).toBe(false);
      expect(can(a, peoplePolicy.createPerson, { id: OTHER })).toBe(true);
    }
  });

  it('shows an identity link only to the structure holding the mandate', () => {
    const link = { mandateOrganisationId: FOLLOWER, followers: [FOLLOWER, OTHER] };
    expect(can(actor('aidant'), peoplePolicy.linkIdentity, link)).toBe(true);
    expect(can(actor('aidant', OTHER), peoplePolicy.linkIdentity, link)).toBe(false);
    expect(can(actor('aidant'), peoplePolicy.viewIdentityLink, link)).toBe(true);
    expect(can(actor('responsable', OTHER), peoplePolicy.viewIdentityLink, link)).toBe(false);
    // The mandate's structure must follow the person.
    expect(
      can(actor('aidant'), peoplePolicy.linkIdentity, { mandateOrganisationId: FOLLOWER, followers: [OTHER] }),
    ).toBe(false);
  });

  it('scopes lists to the structures where the actor works with people', () => {
    expect(followedPeopleScope(actor('aidant'))).toEqual({
      all: false,
      organisations: { follower: [FOLLOWER] },
      territory: { departements: [], communes: [] },
    });
    const scope = followedPeopleScope(actor('admin'));
    expect(scope.all).toBe(false);
  });
});
