/**
 * Voucher checks rate-limited per helper and per API token (issue 9: 600 guesses in a row
 * were accepted), whatever the client address.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeActor, makeOrganisation } from '../../../test/support/factories.ts';
import { signedInAgent } from '../../../test/support/sessions.ts';
import { createTestApp, type TestApp } from '../../../test/support/test-app.ts';
import { createApiToken } from './api-tokens.ts';

let t: TestApp;
let organisation: string;

beforeAll(async () => {
  t = await createTestApp({ env: { VOUCHER_CHECKS_PER_MINUTE: '5' } });
  organisation = await makeOrganisation(t.db, 'Médiathèque');
});
afterAll(async () => {
  await t?.close();
});

describe('voucher check rate limit', () => {
  it('stops one API token after its checks of the minute, from any address; another token goes on', async () => {
    const manager = await makeActor(t.db, [{ organisationId: organisation, role: 'responsable' }]);
    const deps = { db: t.db, clock: t.clock.now, publicUrl: t.config.publicUrl, operatorName: 'Test' };
    const { token } = await createApiToken(deps, manager, organisation, { name: 'Caisse' });
    const { token: other } = await createApiToken(deps, manager, organisation, { name: 'Autre caisse' });
    const guess = (bearer: string, i: number) =>
      t.app.inject({
        method: 'GET',
        url: `/api/v1/pass/cheques/ABCD${String(i).padStart(4, '0')}EF?lieu_id=x`,
        headers: { authorization: `Bearer ${bearer}` },
        remoteAddress: `198.51.100.${i + 1}`,
      });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await guess(token, i)).statusCode);
    expect(statuses.slice(0, 5)).not.toContain(429);
    expect(statuses.slice(5)).toEqual([429, 429]);
    const last = await guess(token, 8);
    expect(last.json().title).toContain('Trop de tentatives');
    expect((await guess(other, 9)).statusCode).not.toBe(429);
    t.clock.advance(61_000);
    expect((await guess(token, 10)).statusCode).not.toBe(429);
  });

  it('stops one helper after its checks of the minute, from any address; a colleague goes on', async () => {
    const helper = await makeActor(t.db, [{ organisationId: organisation, role: 'aidant' }]);
    const colleague = await makeActor(t.db, [{ organisationId: organisation, role: 'aidant' }]);
    const agent = await signedInAgent({ ...t, clock: t.clock.now }, helper.userId as string, '/pass/encaisser');
    const other = await signedInAgent({ ...t, clock: t.clock.now }, colleague.userId as string, '/pass/encaisser');
    const check = (a: typeof agent, i: number) =>
      a.request({
        method: 'POST',
        url: '/pass/encaisser/verifier',
        payload: new URLSearchParams({ _csrf: a.csrf, code: `ABCD${i}`, lieu: 'x' }).toString(),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        remoteAddress: `198.51.100.${i + 1}`,
      });
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await check(agent, i)).statusCode);
    expect(statuses.slice(0, 5)).not.toContain(429);
    expect(statuses.slice(5)).toEqual([429, 429]);
    expect((await check(other, 9)).statusCode).not.toBe(429);
  });
});
