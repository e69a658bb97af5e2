/**
 * The mandates another module may reference (issue 16, PRODUCT.md §3.3: a support session names
 * the mandate used). A read model: no names, only the usager's initials, the families, until
 * when. « Valid on a date » is judged on whole Paris days, strictly: created on or before that
 * day, and neither expired nor revoked on or before it (a mandate revoked or expiring during the
 * day is not offered for that day). At least one family must still be authorised on that day.
 */
import type { Queryable } from '../../platform/db/database.ts';
import { col, defineRecord, selectRows } from '../../platform/db/rows.ts';
import { parisDate } from '../../platform/print/index.ts';
import { familyTitle } from './families.ts';
import { initialsOf } from './mandate-rules.ts';

export interface UsableMandate {
  id: string;
  /** « A. D. — Social, Santé — jusqu’au 12/05/2027 »: what a helper of the structure may read. */
  label: string;
  initials: string;
  families: string[];
  validUntil: Date;
  /** The person (people module) the structure linked the usager to, if any. */
  personId: string | null;
}

const Row = defineRecord({
  id: col.uuid(),
  createdAt: col.timestamp(),
  expiresAt: col.timestamp(),
  revokedAt: col.timestamp().nullable(),
  personId: col.uuid().nullable(),
  givenName: col.text(),
  familyName: col.text(),
  family: col.text(),
  familyRevokedAt: col.timestamp().nullable(),
});

const after = (at: Date | null, day: string) => at === null || parisDate(at) > day;

function frenchDate(d: Date): string {
  const [y, m, day] = parisDate(d).split('-');
  return `${day}/${m}/${y}`;
}

async function rowsOf(db: Queryable, where: string, params: unknown[]) {
  return selectRows(
    db,
    Row,
    `SELECT m.id AS "id", m.created_at AS "createdAt", m.expires_at AS "expiresAt", m.revoked_at AS "revokedAt",
       m.person_id AS "personId", u.given_name AS "givenName", u.family_name AS "familyName",
       a.family AS "family", a.revoked_at AS "familyRevokedAt"
     FROM mandates m JOIN mandate_usagers u ON u.id = m.usager_id JOIN mandate_authorisations a ON a.mandate_id = m.id
     WHERE ${where} ORDER BY m.expires_at DESC, m.id, a.family`,
    params,
  );
}

function usableOn(rows: Awaited<ReturnType<typeof rowsOf>>, on: string): UsableMandate[] {
  const out = new Map<string, UsableMandate>();
  for (const r of rows) {
    if (parisDate(r.createdAt) > on || !after(r.expiresAt, on) || !after(r.revokedAt, on)) continue;
    if (!after(r.familyRevokedAt, on)) continue;
    const initials = initialsOf(r.givenName, r.familyName);
    const m = out.get(r.id) ?? {
      id: r.id,
      label: '',
      initials,
      families: [],
      validUntil: r.expiresAt,
      personId: r.personId,
    };
    m.families.push(r.family);
    out.set(r.id, m);
  }
  return [...out.values()].map((m) => ({
    ...m,
    label: `${m.initials} — ${m.families.map(familyTitle).join(', ')} — jusqu’au ${frenchDate(m.validUntil)}`,
  }));
}

/**
 * The mandates of a structure valid on a Paris date; with a person, that person's mandates
 * only (when the structure linked them), else every valid mandate of the structure.
 */
export async function mandatesUsableBy(
  db: Queryable,
  query: { organisationId: string; personId?: string | null; on: string },
): Promise<UsableMandate[]> {
  const rows = await rowsOf(db, 'm.organisation_id = $1 AND m.expires_at > $2::date - 1', [
    query.organisationId,
    query.on,
  ]);
  const all = usableOn(rows, query.on);
  if (!query.personId) return all;
  const theirs = all.filter((m) => m.personId === query.personId);
  return theirs.length > 0 ? theirs : all;
}

/** The mandate if it belongs to the structure and is valid on the Paris date, else undefined. */
export async function usableMandate(
  db: Queryable,
  query: { mandateId: string; organisationId: string; on: string },
): Promise<UsableMandate | undefined> {
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(query.mandateId)) return undefined;
  const rows = await rowsOf(db, 'm.id = $1 AND m.organisation_id = $2', [query.mandateId, query.organisationId]);
  return usableOn(rows, query.on)[0];
}

/** The labels of mandates a structure's sessions name (any state: what was used then). */
export async function mandateLabels(
  db: Queryable,
  query: { organisationId: string; ids: string[] },
): Promise<Map<string, string>> {
  if (query.ids.length === 0) return new Map();
  const rows = await db.query<{ id: string; given_name: string; family_name: string }>(
    `SELECT m.id, u.given_name, u.family_name FROM mandates m JOIN mandate_usagers u ON u.id = m.usager_id
     WHERE m.organisation_id = $1 AND m.id = ANY($2::uuid[])`,
    [query.organisationId, query.ids],
  );
  return new Map(rows.map((r) => [r.id, initialsOf(r.given_name, r.family_name)]));
}

/**
 * The references of a structure's mandates that its sessions name (the sessions export): the
 * reference kept in the database, which is the start of the one printed on the attestation — not
 * the signed one, which opens the public verification page.
 */
export async function mandateReferences(
  db: Queryable,
  query: { organisationId: string; ids: string[] },
): Promise<Map<string, string>> {
  if (query.ids.length === 0) return new Map();
  const rows = await db.query<{ id: string; reference: string }>(
    'SELECT m.id, m.reference FROM mandates m WHERE m.organisation_id = $1 AND m.id = ANY($2::uuid[])',
    [query.organisationId, query.ids],
  );
  return new Map(rows.map((r) => [r.id, r.reference]));
}
