/**
 * Typed rows: the one data-access convention of the project (ADR 0008).
 *
 * A repository declares the record it reads as a zod object with camelCase keys
 * (`defineRecord({ id: col.uuid(), createdAt: col.timestamp() })`). `columnsOf` writes the
 * explicit SELECT list from those keys (snake_case column AS "camelCaseKey"), and
 * `selectRows` / `selectOne` / `selectMaybe` parse every row against the schema, so a column
 * whose run-time type differs from the declared one fails loudly at the repository boundary
 * instead of travelling through the code with the wrong type.
 *
 * Hot paths measured in bench/ (search, redemption) may keep hand-written column lists and
 * plain `query`; they say so in a comment.
 */
import { z } from 'zod';
import type { Queryable, QueryOptions } from './database.ts';

/** A record schema: a zod object whose keys are the camelCase names of the columns. */
export type RecordSchema = z.ZodObject<z.ZodRawShape>;
export type RecordOf<S extends RecordSchema> = z.output<S>;

export function defineRecord<Shape extends z.ZodRawShape>(shape: Shape): z.ZodObject<Shape> {
  return z.object(shape);
}

/** camelCase key → snake_case column. */
export function columnName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/**
 * The SELECT list of a record: `t.created_at AS "createdAt", …`. `alias` qualifies each
 * column with a table alias; `overrides` replaces the expression of some keys
 * (`{ placeName: 'p.nom' }`).
 */
export function columnsOf(schema: RecordSchema, alias?: string, overrides: Record<string, string> = {}): string {
  return Object.keys(schema.shape)
    .map((key) => {
      const expression = overrides[key] ?? (alias ? `${alias}.${columnName(key)}` : columnName(key));
      return `${expression} AS "${key}"`;
    })
    .join(', ');
}

/** Column types as both engines return them (see postgres.ts and pglite.ts). */
export const col = {
  uuid: () => z.string(),
  text: () => z.string(),
  int: () => z.number().int(),
  /** numeric columns arrive as strings (exact decimals). */
  numeric: () => z.string(),
  number: () => z.number(),
  bool: () => z.boolean(),
  /** timestamptz: a Date from both drivers; a string when it went through json. */
  timestamp: () => z.coerce.date(),
  /** date: 'YYYY-MM-DD', never shifted by a time zone. */
  date: () => z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  textArray: () => z.array(z.string()),
  json: <T extends z.ZodType>(schema: T) => schema,
};

export class RowShapeError extends Error {
  constructor(message: string, cause: unknown) {
    super(message, { cause });
    this.name = 'RowShapeError';
  }
}

function parseRow<S extends RecordSchema>(schema: S, row: unknown, sql: string): RecordOf<S> {
  const result = schema.safeParse(row);
  if (!result.success) {
    const first = result.error.issues[0];
    throw new RowShapeError(
      `Row does not match its record (${first?.path.join('.')}: ${first?.message}) in: ${sql.slice(0, 120)}`,
      result.error,
    );
  }
  return result.data;
}

export async function selectRows<S extends RecordSchema>(
  q: Queryable,
  schema: S,
  sql: string,
  params?: readonly unknown[],
  options?: QueryOptions,
): Promise<RecordOf<S>[]> {
  const rows = await q.query(sql, params, options);
  return rows.map((row) => parseRow(schema, row, sql));
}

export async function selectMaybe<S extends RecordSchema>(
  q: Queryable,
  schema: S,
  sql: string,
  params?: readonly unknown[],
  options?: QueryOptions,
): Promise<RecordOf<S> | undefined> {
  const rows = await q.query(sql, params, options);
  if (rows.length > 1) throw new RowShapeError(`Expected at most one row, got ${rows.length}`, undefined);
  return rows[0] === undefined ? undefined : parseRow(schema, rows[0], sql);
}

export async function selectOne<S extends RecordSchema>(
  q: Queryable,
  schema: S,
  sql: string,
  params?: readonly unknown[],
  options?: QueryOptions,
): Promise<RecordOf<S>> {
  const row = await selectMaybe(q, schema, sql, params, options);
  if (row === undefined) throw new RowShapeError('Expected exactly one row, got 0', undefined);
  return row;
}
