import { describe, expect, it } from 'vitest';
import type { Actor, Membership, Role } from './actor.ts';
import {
  grantableRoles,
  mayChangeRole,
  mayClearActOnBehalf,
  mayGrantPlatformAdmin,
  mayGrantRole,
  mayRemoveMember,
  maySetActOnBehalf,
  roleMayActOnBehalf,
} from './grants.ts';
import { NO_TERRITORY, type Territory } from './territory.ts';

const STRUCTURE = { id: 'structure', territory: { departements: [], communes: ['83137'] } };
const OTHER_STRUCTURE = { id: 'autre', territory: { departements: [], communes: ['83069'] } };
const VAUCLUSE_STRUCTURE = { id: 'vaucluse', territory: { departements: [], communes: ['84007'] } };
const NO_TERRITORY_STRUCTURE = { id: 'sans', territory: NO_TERRITORY };

function actor(memberships: Array<[string, Role, Territory?]>, admin = false): Actor {
  return {
    userId: 'u',
    email: 'u@exemple.fr',
    displayName: 'U',
    isPlatformAdmin: admin,
    sessionId: 's',
    hasSecondFactor: true,
    memberships: memberships.map(
      ([organisationId, role, territory]): Membership => ({
        organisationId,
        organisationName: organisationId,
        role,
        canActOnBehalf: false,
        territory: territory ?? NO_TERRITORY,
      }),
    ),
  };
}

const admin = actor([], true);
const manager = actor([['structure', 'responsable']]);
const varCoordinator = actor([['departement', 'coordinateur', { departements: ['83'], communes: [] }]]);
const coordinatorWithoutTerritory = actor([['departement', 'coordinateur']]);

describe('who may grant what', () => {
  it('lets a responsable give only the structure roles, only in their structure', () => {
    expect(grantableRoles(manager, STRUCTURE)).toEqual(['responsable', 'aidant', 'prescripteur']);
    expect(grantableRoles(manager, OTHER_STRUCTURE)).toEqual([]);
    for (const role of ['coordinateur', 'financeur', 'agent'] as const) {
      expect(mayGrantRole(manager, STRUCTURE, role)).toBe(false);
    }
  });

  it('keeps coordinateur, financeur, agent and administrator for the platform administrator', () => {
    expect(grantableRoles(admin, STRUCTURE)).toHaveLength(6);
    expect(mayGrantRole(varCoordinator, STRUCTURE, 'coordinateur')).toBe(false);
    expect(mayGrantRole(varCoordinator, STRUCTURE, 'aidant')).toBe(false);
    expect(mayGrantPlatformAdmin(admin)).toBe(true);
    expect(mayGrantPlatformAdmin(manager)).toBe(false);
    expect(mayGrantPlatformAdmin(varCoordinator)).toBe(false);
  });

  it('asks for the right to take the old role away as well as to give the new one', () => {
    expect(mayChangeRole(manager, STRUCTURE, 'aidant', 'responsable')).toBe(true);
    expect(mayChangeRole(manager, STRUCTURE, 'aidant', 'coordinateur')).toBe(false);
    expect(mayChangeRole(manager, STRUCTURE, 'financeur', 'aidant')).toBe(false);
    expect(mayRemoveMember(manager, STRUCTURE, 'aidant')).toBe(true);
    expect(mayRemoveMember(manager, STRUCTURE, 'coordinateur')).toBe(false);
  });

  it('lets only an administrator or a coordinateur of the structure’s territory habilitate', () => {
    expect(maySetActOnBehalf(admin, NO_TERRITORY_STRUCTURE)).toBe(true);
    expect(maySetActOnBehalf(varCoordinator, STRUCTURE)).toBe(true);
    expect(maySetActOnBehalf(varCoordinator, OTHER_STRUCTURE)).toBe(true);
    expect(maySetActOnBehalf(varCoordinator, VAUCLUSE_STRUCTURE)).toBe(false);
    expect(maySetActOnBehalf(varCoordinator, NO_TERRITORY_STRUCTURE)).toBe(false);
    expect(maySetActOnBehalf(coordinatorWithoutTerritory, STRUCTURE)).toBe(false);
    expect(maySetActOnBehalf(manager, STRUCTURE)).toBe(false);
    // The manager may take the flag away, not give it.
    expect(mayClearActOnBehalf(manager, STRUCTURE)).toBe(true);
    expect(mayClearActOnBehalf(manager, OTHER_STRUCTURE)).toBe(false);
    expect(roleMayActOnBehalf('aidant')).toBe(true);
    expect(roleMayActOnBehalf('responsable')).toBe(false);
  });
});
