import { describe, expect, it } from 'vitest';
import { canonicalJson, hashParts } from './journal.ts';

describe('canonicalJson', () => {
  it('does not depend on key order', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: null } })).toBe(
      canonicalJson({ a: { c: null, d: [1, { y: 2, z: 1 }] }, b: 1 }),
    );
    expect(canonicalJson({ a: undefined, b: 'x' })).toBe('{"b":"x"}');
  });
});

describe('hashParts', () => {
  it('rebuilds exactly the canonical content that hashRow hashes', () => {
    const row = {
      stream: 'lieu:x',
      occurred_at: new Date('2026-11-22T10:00:00.123Z'),
      actor_user_id: null,
      organisation_id: '6f1c9a52-0000-4000-8000-000000000001',
      action: 'pass.cheque_encaisse',
      target_type: 'encaissement',
      target_id: 'abc',
      details: { service: 'Aide « démarches »', z: [1, { b: 2, a: '"' }] },
    };
    const parts = hashParts(row);
    const prev = 'f'.repeat(64);
    expect(`${parts.prefix}${prev}${parts.middle}42${parts.suffix}`).toBe(
      canonicalJson({
        stream: row.stream,
        seq: 42,
        at: row.occurred_at.toISOString(),
        actor: null,
        org: row.organisation_id,
        action: row.action,
        targetType: row.target_type,
        targetId: row.target_id,
        details: row.details,
        prev,
      }),
    );
  });
});
