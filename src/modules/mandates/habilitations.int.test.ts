/**
 * Habilitation (issue 16): only the coordinateur of the structure's territory habilitates it and
 * records its helpers' training; until then a flagged helper cannot use mandates; suspending a
 * structure or a helper stops every use at once; the former flag becomes « not habilitated until
 * the training is recorded », journaled. Bad input gets a French message, never a 5xx.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { visibleText } from '../../../test/support/agent.ts';
import { makeActor, makeOrganisation } from '../../../test/support/factories.ts';
import { signedInAgent } from '../../../test/support/sessions.ts';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import type { Actor } from '../../platform/auth/actor.ts';
import { verifyJournal } from '../../platform/journal/journal.ts';
import { helperStanding } from './helper-standing.ts';

let t: TestApp;
let structure: string;
let coordinatorVar: Actor;
let coordinatorVaucluse: Actor;
let helper: Actor;
let responsable: Actor;

beforeAll(async () => {
  t = await createTestApp();
  const coordVar = await makeOrganisation(t.db, 'Département Var', 'collectivite', {
    departements: ['83'],
    communes: [],
  });
  const coordVau = await makeOrganisation(t.db, 'Département Vaucluse', 'collectivite', {
    departements: ['84'],
    communes: [],
  });
  structure = await makeOrganisation(t.db, 'Centre social Toulon', 'association', {
    departements: [],
    communes: ['83137'],
  });
  coordinatorVar = await makeActor(t.db, [{ organisationId: coordVar, role: 'coordinateur' }]);
  coordinatorVaucluse = await makeActor(t.db, [{ organisationId: coordVau, role: 'coordinateur' }]);
  helper = await makeActor(t.db, [{ organisationId: structure, role: 'aidant', canActOnBehalf: true }]);
  responsable = await makeActor(t.db, [{ organisationId: structure, role: 'responsable' }]);
  // Acting for others needs a second factor: enrolled here, as the session says it was given.
  await t.db.query('UPDATE users SET totp_enabled_at = $2 WHERE id = $1', [helper.userId, t.clock.now()]);
});
afterAll(async () => {
  await t?.close();
});

const env = () => ({ ...t, clock: t.clock.now });
const standing = () => helperStanding(t.db, t.clock.now(), helper, t.clock.now(), structure);

describe('habilitation', () => {
  it('lets only the coordinateur of the territory habilitate the structure', async () => {
    const other = await signedInAgent(env(), coordinatorVaucluse.userId, `/mandats/habilitations`);
    expect(visibleText(other.last?.body ?? '')).not.toContain('Centre social Toulon');
    expect((await other.get(`/mandats/habilitations/${structure}`)).statusCode).toBe(403);
    const refused = await other.post(`/mandats/habilitations/${structure}`, {
      reference: 'HAB-83-001',
      families: ['social'],
      startsOn: '2026-01-01',
    });
    expect(refused.statusCode).toBe(403);

    const resp = await signedInAgent(env(), responsable.userId, `/mandats/habilitations/${structure}`);
    expect(resp.last?.statusCode).toBe(200);
    expect(
      (
        await resp.post(`/mandats/habilitations/${structure}`, {
          reference: 'X',
          families: ['social'],
          startsOn: '2026-01-01',
        })
      ).statusCode,
    ).toBe(403);

    expect((await standing()).ok).toBe(false);
    const coord = await signedInAgent(env(), coordinatorVar.userId, '/mandats/habilitations');
    expect(visibleText(coord.last?.body ?? '')).toContain('Centre social Toulon — non habilitée');
    await coord.get(`/mandats/habilitations/${structure}`);
    const ok = await coord.post(`/mandats/habilitations/${structure}`, {
      reference: 'HAB-83-001',
      families: ['social', 'logement', 'famille'],
      startsOn: '2026-01-01',
      endsOn: '',
    });
    expect(ok.statusCode).toBe(303);
    const page = visibleText((await coord.follow()).body);
    expect(page).toContain('Structure habilitée — référence HAB-83-001');
    expect(page).toContain('Famille - Scolarité, Social - Santé, Logement');
  });

  it('refuses bad input with French messages, never a 5xx', async () => {
    const coord = await signedInAgent(env(), coordinatorVar.userId, `/mandats/habilitations/${structure}`);
    const cases: Array<Record<string, string | string[]>> = [
      { reference: '', families: ['social'], startsOn: '2026-01-01' },
      { reference: 'A\u0000B', families: ['social'], startsOn: '2026-01-01' },
      { reference: 'HAB', families: ['inconnue'], startsOn: '2026-01-01' },
      { reference: 'HAB', families: [], startsOn: '2026-01-01' },
      { reference: 'HAB', families: ['social'], startsOn: '2026-02-30' },
      { reference: 'HAB', families: ['social'], startsOn: '99999-01-01' },
      { reference: 'HAB', families: ['social'], startsOn: '2026-05-01', endsOn: '2026-04-01' },
      { reference: 'x'.repeat(5000), families: ['social'], startsOn: '2026-01-01' },
    ];
    for (const body of cases) {
      const res = await coord.post(`/mandats/habilitations/${structure}`, body);
      expect(res.statusCode, JSON.stringify(body).slice(0, 80)).toBe(400);
    }
    const bad = await coord.post(`/mandats/habilitations/${structure}`, {
      reference: 'HAB',
      families: ['social'],
      startsOn: '2026-05-01',
      endsOn: '2026-04-01',
    });
    expect(visibleText(bad.body)).toContain('La date de fin doit suivre la date de début.');
    // Nothing was changed by the refused forms.
    expect(visibleText((await coord.get(`/mandats/habilitations/${structure}`)).body)).toContain('HAB-83-001');
  });

  it('keeps a flagged helper unhabilitated until the coordinateur records the training', async () => {
    expect(await standing()).toMatchObject({ ok: false, code: 'not_trained' });
    const helperAgent = await signedInAgent(env(), helper.userId, '/mandats');
    expect(visibleText(helperAgent.last?.body ?? '')).toContain(
      "Votre habilitation attend l'enregistrement de votre formation",
    );

    const coord = await signedInAgent(env(), coordinatorVar.userId, `/mandats/habilitations/${structure}`);
    const future = await coord.post(`/mandats/habilitations/${structure}/aidants/${helper.userId}`, {
      trainedOn: '2099-01-01',
    });
    expect(future.statusCode).toBe(400);
    expect(visibleText(future.body)).toContain('La formation ne peut pas être dans le futur.');
    // Someone who is not flagged to act for others cannot be habilitated.
    const notFlagged = await coord.post(`/mandats/habilitations/${structure}/aidants/${responsable.userId}`, {
      trainedOn: '2026-03-01',
    });
    expect(notFlagged.statusCode).toBe(422);
    const ok = await coord.post(`/mandats/habilitations/${structure}/aidants/${helper.userId}`, {
      trainedOn: '2026-03-01',
      pixOn: '2026-03-15',
    });
    expect(ok.statusCode).toBe(303);
    expect(await standing()).toMatchObject({ ok: true, families: ['famille', 'social', 'logement'] });
    expect(visibleText((await helperAgent.get('/mandats')).body)).toContain('Vous êtes habilité dans cette structure');
  });

  it('asks the second factor again after 15 minutes', async () => {
    const old = new Date(t.clock.now().getTime() - 16 * 60_000);
    expect(await helperStanding(t.db, t.clock.now(), helper, old, structure)).toMatchObject({
      ok: false,
      code: 'second_factor_stale',
    });
  });

  it('stops every use at once when the helper or the structure is suspended', async () => {
    const resp = await signedInAgent(env(), responsable.userId, `/mandats/habilitations/${structure}`);
    expect((await resp.post(`/mandats/habilitations/${structure}/aidants/${helper.userId}/suspendre`)).statusCode).toBe(
      303,
    );
    expect(await standing()).toMatchObject({ ok: false, code: 'helper_suspended' });
    const coord = await signedInAgent(env(), coordinatorVar.userId, `/mandats/habilitations/${structure}`);
    await coord.post(`/mandats/habilitations/${structure}/aidants/${helper.userId}/retablir`);
    expect((await standing()).ok).toBe(true);

    // The responsable may not suspend the structure's habilitation; the coordinateur may.
    expect((await resp.post(`/mandats/habilitations/${structure}/suspendre`)).statusCode).toBe(403);
    expect((await coord.post(`/mandats/habilitations/${structure}/suspendre`)).statusCode).toBe(303);
    expect(await standing()).toMatchObject({ ok: false, code: 'structure_suspended' });
    await coord.post(`/mandats/habilitations/${structure}/retablir`);
    expect((await standing()).ok).toBe(true);
  });

  it('turns the former « act on behalf » flags into « training to record », journaled', async () => {
    const legacyStructure = await makeOrganisation(t.db, 'Ancienne structure', 'association', {
      departements: [],
      communes: ['83137'],
    });
    const legacy = await makeActor(t.db, [{ organisationId: legacyStructure, role: 'aidant', canActOnBehalf: true }]);
    // The migration's statement, as it ran on existing data.
    const sql = readFileSync(new URL('../../../migrations/0150-mandates-habilitations.sql', import.meta.url), 'utf8');
    const insert = sql.slice(sql.indexOf('INSERT INTO mandate_helpers'));
    await t.db.query(insert.replace(/;\s*$/, ' ON CONFLICT DO NOTHING'));
    t.clock.advance(120_000);
    await t.app.jobs.runDue();
    const entries = await t.db.query<{ action: string; target_id: string; organisation_id: string }>(
      "SELECT action, target_id, organisation_id FROM journal WHERE action = 'mandats.habilitation_a_confirmer'",
    );
    expect(entries).toContainEqual({
      action: 'mandats.habilitation_a_confirmer',
      target_id: legacy.userId,
      organisation_id: legacyStructure,
    });
    expect(await helperStanding(t.db, t.clock.now(), legacy, t.clock.now(), legacyStructure)).toMatchObject({
      ok: false,
    });
    // Journaled once: the job finds nothing left the next time.
    t.clock.advance(120_000);
    await t.app.jobs.runDue();
    const again = await t.db.query(
      "SELECT 1 FROM journal WHERE action = 'mandats.habilitation_a_confirmer' AND target_id = $1",
      [legacy.userId],
    );
    expect(again).toHaveLength(1);
  });

  it('journals every habilitation change and keeps the journal intact', async () => {
    const actions = (
      await t.db.query<{ action: string }>("SELECT action FROM journal WHERE action LIKE 'mandats.%'")
    ).map((r) => r.action);
    for (const a of [
      'mandats.structure_habilitee',
      'mandats.formation_enregistree',
      'mandats.aidant_suspendu',
      'mandats.aidant_retabli',
      'mandats.structure_suspendue',
      'mandats.structure_retablie',
    ]) {
      expect(actions).toContain(a);
    }
    expect((await verifyJournal(t.db)).ok).toBe(true);
  });
});
