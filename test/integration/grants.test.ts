/**
 * Who may grant what (issue 9 §1, src/platform/auth/grants.ts) through the invite, change and
 * remove forms: a responsable gives only structure roles in its own structure; coordinateur,
 * financeur, agent only an administrator; the « habilité à agir pour le compte d'autrui » flag
 * only an administrator or a coordinateur of the structure's territory. Every grant and removal
 * is journaled.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeActor } from '../support/factories.ts';
import { signedInAgent } from '../support/sessions.ts';
import { createTestApp, type TestApp } from '../support/test-app.ts';
import { seedTwoTerritories, type TwoTerritories } from '../support/two-territories.ts';

let t: TestApp;
let w: TwoTerritories;

beforeAll(async () => {
  t = await createTestApp();
  w = await seedTwoTerritories(t);
});
afterAll(async () => {
  await t?.close();
});

const as = (userId: string | undefined, firstPage?: string) =>
  signedInAgent({ ...t, clock: t.clock.now }, userId as string, firstPage);

async function membership(userId: string, organisationId: string) {
  return (
    await t.db.query<{ role: string; can_act_on_behalf: boolean }>(
      'SELECT role, can_act_on_behalf FROM memberships WHERE user_id = $1 AND organisation_id = $2',
      [userId, organisationId],
    )
  )[0];
}

async function journaled(action: string, targetId?: string): Promise<number> {
  const rows = await t.db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM journal WHERE action = $1 AND ($2::text IS NULL OR target_id = $2)',
    [action, targetId ?? null],
  );
  return rows[0]?.n ?? 0;
}

describe('grants', () => {
  it('lets a responsable invite only structure roles, without the habilitation flag', async () => {
    const org = w.var.structure;
    const manager = await as(w.var.users.structure?.responsable, `/organisations/${org}`);
    for (const role of ['coordinateur', 'financeur', 'agent']) {
      const res = await manager.post(`/organisations/${org}/invitations`, { email: `x-${role}@exemple.fr`, role });
      expect(res.statusCode, role).toBe(403);
    }
    const flagged = await manager.post(`/organisations/${org}/invitations`, {
      email: 'habilite@exemple.fr',
      role: 'aidant',
      canActOnBehalf: 'on',
    });
    expect(flagged.statusCode).toBe(403);
    const before = await journaled('organisation.invitation_envoyee');
    const ok = await manager.post(`/organisations/${org}/invitations`, { email: 'aide@exemple.fr', role: 'aidant' });
    expect(ok.statusCode).toBe(303);
    expect(await journaled('organisation.invitation_envoyee')).toBe(before + 1);
    const invitations = await t.db.query<{ email: string }>(
      'SELECT email FROM invitations WHERE organisation_id = $1',
      [org],
    );
    expect(invitations.map((i) => i.email)).toEqual(['aide@exemple.fr']);
    // The form offers only what may be given.
    const page = (await manager.get(`/organisations/${org}`)).body;
    expect(page).not.toContain('value="coordinateur"');
    expect(page).not.toContain("Habilité à agir pour le compte d'autrui");
  });

  it('refuses a responsable promoting a member to coordinateur, or managing another structure', async () => {
    const org = w.var.structure;
    const aidant = w.var.users.structure?.aidant as string;
    const manager = await as(w.var.users.structure?.responsable, `/organisations/${org}`);
    const res = await manager.post(`/organisations/${org}/membres/role`, { userId: aidant, role: 'coordinateur' });
    expect(res.statusCode).toBe(403);
    expect((await membership(aidant, org))?.role).toBe('aidant');
    const other = await manager.post(`/organisations/${w.var.structure2}/invitations`, {
      email: 'intrus@exemple.fr',
      role: 'aidant',
    });
    expect(other.statusCode).toBe(403);
  });

  it('lets only an administrator or a coordinateur of the territory set the habilitation flag', async () => {
    const org = w.var.structure;
    const aidant = w.var.users.structure?.aidant as string;
    for (const userId of [w.var.users.structure?.responsable, w.vaucluse.users.coordination?.coordinateur]) {
      const agent = await as(userId);
      const res = await agent.post(`/organisations/${org}/membres/role`, {
        userId: aidant,
        role: 'aidant',
        canActOnBehalf: 'on',
      });
      expect(res.statusCode, userId).toBe(403);
      expect((await membership(aidant, org))?.can_act_on_behalf, userId).toBe(false);
    }
    const coordinator = await as(w.var.users.coordination?.coordinateur, `/organisations/${org}`);
    const res = await coordinator.post(`/organisations/${org}/membres/role`, {
      userId: aidant,
      role: 'aidant',
      canActOnBehalf: 'on',
    });
    expect(res.statusCode).toBe(303);
    expect((await membership(aidant, org))?.can_act_on_behalf).toBe(true);
    expect(await journaled('organisation.role_modifie', aidant)).toBe(1);
    // The coordinateur habilitates; it does not change roles.
    const promote = await coordinator.post(`/organisations/${org}/membres/role`, {
      userId: aidant,
      role: 'responsable',
      canActOnBehalf: 'on',
    });
    expect(promote.statusCode).toBe(403);
    // The structure's responsable may take the flag away.
    const manager = await as(w.var.users.structure?.responsable, `/organisations/${org}`);
    expect(
      (await manager.post(`/organisations/${org}/membres/role`, { userId: aidant, role: 'aidant' })).statusCode,
    ).toBe(303);
    expect((await membership(aidant, org))?.can_act_on_behalf).toBe(false);
    expect(await journaled('organisation.role_modifie', aidant)).toBe(2);
  });

  it('lets an administrator grant a financeur, and only it remove one; removals are journaled', async () => {
    const org = w.var.structure2;
    const person = await makeActor(t.db, [{ organisationId: org, role: 'prescripteur' }]);
    const admin = await as(w.admin, `/organisations/${org}`);
    expect(
      (await admin.post(`/organisations/${org}/membres/role`, { userId: person.userId, role: 'financeur' })).statusCode,
    ).toBe(303);
    expect((await membership(person.userId, org))?.role).toBe('financeur');
    const manager = await as(w.var.users.structure2?.responsable, `/organisations/${org}`);
    expect((await manager.post(`/organisations/${org}/membres/retirer`, { userId: person.userId })).statusCode).toBe(
      403,
    );
    expect(await membership(person.userId, org)).toBeDefined();
    expect((await admin.post(`/organisations/${org}/membres/retirer`, { userId: person.userId })).statusCode).toBe(303);
    expect(await membership(person.userId, org)).toBeUndefined();
    expect(await journaled('organisation.membre_retire', person.userId)).toBe(1);
    // A responsable removes a structure role.
    const prescripteur = w.var.users.structure2?.prescripteur as string;
    expect((await manager.post(`/organisations/${org}/membres/retirer`, { userId: prescripteur })).statusCode).toBe(
      303,
    );
    expect(await journaled('organisation.membre_retire', prescripteur)).toBe(1);
  });
});
