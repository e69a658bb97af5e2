/**
 * `passerelle signing-keys status|prepare|promote|drop` (issue 16): the documented rotation of a
 * served provider's signing keys, step by step through the command, with its refusals (no
 * provider, nothing prepared, a key published too recently, a bad number of days) and a journal
 * entry per step.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClock } from '../../test/support/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../../test/support/test-db.ts';
import type { Config } from '../config.ts';
import { jwksOf } from '../platform/identity/signing-keys.ts';
import { verifyJournal } from '../platform/journal/journal.ts';
import { identityCommandsWith } from './identity-commands.ts';
import { runCli } from './main.ts';

const KEY = 'test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz';
const PROVIDER = 'dev-franceconnect';
let db: TestDatabase;
const clock = new TestClock(new Date('2026-11-10T09:00:00Z'));
const commands = identityCommandsWith(clock.now);

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.destroy();
});

async function run(name: string, ...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const command = commands[`signing-keys ${name}`];
  if (!command) throw new Error(`no command ${name}`);
  const code = await command.run({
    config: { secretKey: KEY } as Config,
    db,
    args,
    out: (l) => out.push(l),
    err: (l) => err.push(l),
    progress: () => undefined,
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const kids = async () => (await jwksOf(db, clock.now, KEY, PROVIDER)).keys.map((k) => String(k.kid));

describe('passerelle signing-keys', () => {
  it('is listed in the help', async () => {
    const lines: string[] = [];
    expect(await runCli(['--help'], { out: (l) => lines.push(l), err: (l) => lines.push(l) })).toBe(0);
    const help = lines.join('\n');
    for (const step of ['status', 'prepare', 'promote', 'drop']) expect(help).toContain(`signing-keys ${step}`);
  });

  it('rotates the keys in the documented order, refusing each step out of turn', async () => {
    expect((await run('status')).out).toBe('Aucune clé de signature enregistrée.');
    const [first] = await kids(); // the server creates the first key at start
    expect((await run('status')).out).toContain(`${PROVIDER}  ${first}  signe`);

    expect(await run('prepare')).toMatchObject({ code: 2, err: expect.stringContaining('Indiquez le fournisseur') });
    expect((await run('prepare', '--provider', 'Pas Un Nom')).code).toBe(2);
    const early = await run('promote', '--provider', PROVIDER);
    expect(early).toMatchObject({ code: 1, err: expect.stringContaining('Aucune clé préparée') });

    const prepared = await run('prepare', '--provider', PROVIDER);
    expect(prepared.code).toBe(0);
    const next = /: ([0-9a-f-]{36}) \(elle ne signe pas encore\)/.exec(prepared.out)?.[1] as string;
    expect(next).toBeDefined();
    expect(await kids()).toEqual([first, next]); // published, the former key still signs
    expect((await run('status', '--provider', PROVIDER)).out).toContain(`${next}  préparée`);

    clock.advance(3_600_000);
    const tooSoon = await run('promote', '--provider', PROVIDER);
    expect(tooSoon).toMatchObject({ code: 1, err: expect.stringContaining('n’est publiée que depuis 60 min') });
    expect(await kids()).toEqual([first, next]);

    clock.advance(24 * 3_600_000);
    const promoted = await run('promote', '--provider', PROVIDER);
    expect(promoted).toMatchObject({ code: 0, out: expect.stringContaining(`La clé ${next} signe désormais`) });
    expect(await kids()).toEqual([next, first]); // the new key signs, the old one still verifies
    expect((await run('status', '--provider', PROVIDER)).out).toContain(`${first}  retirée`);

    expect((await run('drop', '--provider', PROVIDER)).code).toBe(2);
    for (const bad of ['0', 'abc', '-1', '99999', '1e3'])
      expect((await run('drop', '--provider', PROVIDER, '--retired-days', bad)).code).toBe(2);
    expect((await run('drop', '--provider', PROVIDER, '--retired-days', '1')).out).toContain('Aucune clé retirée');
    expect(await kids()).toEqual([next, first]);

    clock.advance(2 * 86_400_000);
    const dropped = await run('drop', '--provider', PROVIDER, '--retired-days', '1');
    expect(dropped).toMatchObject({ code: 0, out: `1 clé(s) retirée(s) supprimée(s) pour ${PROVIDER}.` });
    expect(await kids()).toEqual([next]);

    const journal = await db.query<{ action: string }>(
      "SELECT action FROM journal WHERE action LIKE 'identite.cle%' ORDER BY id",
    );
    expect(journal.map((r) => r.action)).toEqual([
      'identite.cle_signature_preparee',
      'identite.cle_signature_promue',
      'identite.cles_signature_supprimees',
    ]);
    expect((await verifyJournal(db)).ok).toBe(true);
  });
});
