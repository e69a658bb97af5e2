/**
 * Persisted signing keys and their rotation (issue 16): the same keys after a restart, private
 * parts never stored in clear, and the documented two-step rotation — a token signed before it
 * still verifies after it, and the new key signs once promoted.
 */
import { createPrivateKey, createPublicKey, type JsonWebKey, sign as signData, verify } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestClock } from '../../../test/support/test-app.ts';
import { createTestDatabase, type TestDatabase } from '../../../test/support/test-db.ts';
import { dropRetiredKeys, jwksOf, prepareNextKey, promoteNextKey } from './signing-keys.ts';

const KEY = 'test-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz';
let db: TestDatabase;
const clock = new TestClock(new Date('2026-11-10T09:00:00Z'));

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.destroy();
});

/** A token as `kid.signature` over its text: enough to prove which published key verifies it. */
function sign(jwk: Record<string, unknown>, text: string) {
  const signature = signData('sha256', Buffer.from(text), createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' }));
  return { kid: String(jwk.kid), text, signature };
}

function verifiesWithPublished(
  jwks: { keys: Array<Record<string, unknown>> },
  token: { kid: string; text: string; signature: Buffer },
) {
  const key = jwks.keys.find((k) => k.kid === token.kid);
  if (!key) return false;
  const { d: _private, ...pub } = key;
  return verify(
    'sha256',
    Buffer.from(token.text),
    createPublicKey({ key: pub as JsonWebKey, format: 'jwk' }),
    token.signature,
  );
}

describe('OIDC signing keys', () => {
  it('are persisted, sealed, and rotated in two steps', async () => {
    const first = await jwksOf(db, clock.now, KEY, 'partenaires');
    expect(first.keys).toHaveLength(1);
    // A restart reads the same key.
    expect((await jwksOf(db, clock.now, KEY, 'partenaires')).keys[0]?.kid).toBe(first.keys[0]?.kid);
    const stored = await db.query<{ sealed_jwk: string }>('SELECT sealed_jwk FROM oidc_signing_keys');
    expect(stored[0]?.sealed_jwk).not.toContain(String(first.keys[0]?.d));

    const before = sign(first.keys[0] as Record<string, unknown>, 'jeton signé avant la rotation');
    const nextKid = await prepareNextKey(db, clock.now, KEY, 'partenaires');
    const step1 = await jwksOf(db, clock.now, KEY, 'partenaires');
    expect(step1.keys.map((k) => k.kid)).toEqual([first.keys[0]?.kid, nextKid]); // still signs with the old one
    clock.advance(3600_000);
    expect(await promoteNextKey(db, clock.now, 'partenaires')).toBe(true);
    const step2 = await jwksOf(db, clock.now, KEY, 'partenaires');
    expect(step2.keys[0]?.kid).toBe(nextKid); // the new key signs
    expect(verifiesWithPublished(step2, before)).toBe(true); // old tokens still verify
    clock.advance(86_400_000);
    expect(await dropRetiredKeys(db, 'partenaires', new Date(clock.now().getTime() - 3600_000))).toBe(1);
    expect((await jwksOf(db, clock.now, KEY, 'partenaires')).keys.map((k) => k.kid)).toEqual([nextKid]);
  });
});
