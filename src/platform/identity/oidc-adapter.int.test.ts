/**
 * The oidc-provider adapter on the app's database (both engines): what is stored is found again
 * (by id, uid, user code), a consumed code says so, an expired row is invisible then purged,
 * and revokeByGrantId removes every row of the grant — a known pitfall of home-made adapters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClock } from '../../../test/support/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-db.ts';
import { databaseAdapter, oidcPayloadsPurge } from './oidc-adapter.ts';

let db: TestDatabase;
const clock = new TestClock(new Date('2026-11-10T09:00:00Z'));

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.destroy();
});

describe('oidc-provider adapter', () => {
  it('stores, finds, consumes, expires and purges', async () => {
    const Adapter = databaseAdapter(db, clock.now);
    const codes = new Adapter('AuthorizationCode');
    const sessions = new Adapter('Session');
    await codes.upsert('code-1', { jti: 'code-1', grantId: 'g1', kind: 'AuthorizationCode' }, 60);
    await sessions.upsert('s-1', { jti: 's-1', uid: 'u-1', kind: 'Session' }, 600);
    expect(await codes.find('code-1')).toMatchObject({ jti: 'code-1', grantId: 'g1' });
    expect(await sessions.findByUid('u-1')).toMatchObject({ jti: 's-1' });
    // Same id, another model: another row.
    expect(await new Adapter('AccessToken').find('code-1')).toBeUndefined();

    await codes.consume('code-1');
    expect((await codes.find('code-1'))?.consumed).toBeTruthy();

    const device = new Adapter('DeviceCode');
    await device.upsert('d-1', { jti: 'd-1', userCode: 'ABCD-EFGH' }, 60);
    expect(await device.findByUserCode('ABCD-EFGH')).toMatchObject({ jti: 'd-1' });

    clock.advance(61_000);
    expect(await codes.find('code-1')).toBeUndefined();
    expect(await sessions.findByUid('u-1')).toBeDefined();
    expect(await oidcPayloadsPurge.purge(db, clock.now())).toBe(2);
    await sessions.destroy('s-1');
    expect(await sessions.findByUid('u-1')).toBeUndefined();
  });

  it('revokes every row of a grant, whatever the model', async () => {
    const Adapter = databaseAdapter(db, clock.now);
    for (const model of ['AccessToken', 'RefreshToken', 'AuthorizationCode', 'Grant']) {
      await new Adapter(model).upsert(`${model}-x`, { jti: `${model}-x`, grantId: 'grant-x' }, 3600);
    }
    await new Adapter('AccessToken').upsert('other', { jti: 'other', grantId: 'grant-y' }, 3600);
    await new Adapter('AccessToken').revokeByGrantId('grant-x');
    for (const model of ['AccessToken', 'RefreshToken', 'AuthorizationCode', 'Grant']) {
      expect(await new Adapter(model).find(`${model}-x`)).toBeUndefined();
    }
    expect(await new Adapter('AccessToken').find('other')).toBeDefined();
  });
});
