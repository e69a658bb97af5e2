import { describe, expect, it } from 'vitest';
import type { Queryable } from './database.ts';
import { col, columnName, columnsOf, defineRecord, RowShapeError, selectMaybe, selectOne, selectRows } from './rows.ts';

const Programme = defineRecord({
  id: col.uuid(),
  faceValueCents: col.int(),
  validUntil: col.date(),
  createdAt: col.timestamp(),
  services: col.textArray(),
});

function fake(rows: Record<string, unknown>[]): Queryable & { seen: string[] } {
  const seen: string[] = [];
  return {
    seen,
    async query<T>(sql: string) {
      seen.push(sql);
      return rows as T[];
    },
  };
}

describe('typed rows', () => {
  it('maps camelCase keys to snake_case columns in an explicit select list', () => {
    expect(columnName('faceValueCents')).toBe('face_value_cents');
    expect(columnsOf(Programme, 'p')).toBe(
      'p.id AS "id", p.face_value_cents AS "faceValueCents", p.valid_until AS "validUntil", p.created_at AS "createdAt", p.services AS "services"',
    );
    expect(columnsOf(Programme, undefined, { services: "'{}'::text[]" })).toContain(`'{}'::text[] AS "services"`);
  });

  it('parses rows into records, turning a timestamp that arrived as text into a Date', async () => {
    const q = fake([
      { id: 'a', faceValueCents: 1000, validUntil: '2026-12-31', createdAt: '2026-12-05T10:00:00Z', services: [] },
    ]);
    const [p] = await selectRows(q, Programme, 'SELECT 1');
    expect(p?.createdAt).toBeInstanceOf(Date);
    expect(p?.createdAt.toISOString()).toBe('2026-12-05T10:00:00.000Z');
  });

  it('fails loudly when a column does not have its declared type', async () => {
    const q = fake([
      { id: 'a', faceValueCents: '1000', validUntil: '2026-12-31', createdAt: new Date(), services: [] },
    ]);
    await expect(selectRows(q, Programme, 'SELECT bad')).rejects.toThrow(RowShapeError);
    await expect(selectRows(q, Programme, 'SELECT bad')).rejects.toThrow(/faceValueCents/);
  });

  it('selectOne and selectMaybe insist on the number of rows', async () => {
    expect(await selectMaybe(fake([]), Programme, 'SELECT')).toBeUndefined();
    await expect(selectOne(fake([]), Programme, 'SELECT')).rejects.toThrow(/exactly one/);
    const two = { id: 'a', faceValueCents: 1, validUntil: '2026-01-01', createdAt: new Date(), services: [] };
    await expect(selectMaybe(fake([two, two]), Programme, 'SELECT')).rejects.toThrow(/at most one/);
  });
});
