/** SQL on the people module's own tables (typed rows, ADR 0008). */
import type { Queryable } from '../../platform/db/database.ts';
import { col, columnsOf, defineRecord, type RecordOf, selectMaybe, selectRows } from '../../platform/db/rows.ts';
import { personCodes } from './person-code.ts';

export const personRecord = defineRecord({
  id: col.uuid(),
  code: col.text(),
  displayName: col.text().nullable(),
  nameKey: col.text().nullable(),
  birthYear: col.int().nullable(),
  ageBand: col.text().nullable(),
  residenceKind: col.text(),
  communeInsee: col.text().nullable(),
  departement: col.text().nullable(),
  situation: col.text().nullable(),
  createdAt: col.timestamp(),
  createdByOrganisationId: col.uuid(),
  erasedAt: col.timestamp().nullable(),
  mergedInto: col.uuid().nullable(),
});
export type PersonRecord = RecordOf<typeof personRecord>;

const PERSON_COLUMNS = columnsOf(personRecord, 'p');

export interface NewPerson {
  displayName: string;
  nameKey: string;
  birthYear: number | null;
  ageBand: string | null;
  residenceKind: string;
  communeInsee: string | null;
  situation: string | null;
  createdAt: Date;
  createdByOrganisationId: string;
}

/** Inserts a person under a fresh code, drawing again on the (rare) collision. */
export async function insertPerson(
  tx: Queryable,
  person: NewPerson,
  generate: () => string = () => personCodes.generate(),
): Promise<{ id: string; code: string }> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const code = generate();
    const rows = await tx.query<{ id: string }>(
      `INSERT INTO people (code, display_name, name_key, birth_year, age_band, residence_kind, commune_insee,
         situation, created_at, created_by_organisation_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
       ON CONFLICT (code) DO NOTHING RETURNING id`,
      [
        code,
        person.displayName,
        person.nameKey,
        person.birthYear,
        person.ageBand,
        person.residenceKind,
        person.communeInsee,
        person.situation,
        person.createdAt,
        person.createdByOrganisationId,
      ],
    );
    if (rows[0]) return { id: rows[0].id, code };
  }
  throw new Error('could not draw a free person code');
}

export async function findPerson(
  q: Queryable,
  id: string,
  options: { lock?: boolean } = {},
): Promise<PersonRecord | undefined> {
  return selectMaybe(
    q,
    personRecord,
    `SELECT ${PERSON_COLUMNS} FROM people p WHERE p.id = $1${options.lock ? ' FOR UPDATE' : ''}`,
    [id],
  );
}

export async function findPersonByCanonicalCode(q: Queryable, code: string): Promise<PersonRecord | undefined> {
  return selectMaybe(q, personRecord, `SELECT ${PERSON_COLUMNS} FROM people p WHERE p.code = $1`, [code]);
}

export async function followersOf(q: Queryable, personId: string): Promise<string[]> {
  const rows = await q.query<{ organisation_id: string }>(
    'SELECT organisation_id FROM people_follows WHERE person_id = $1 ORDER BY since, organisation_id',
    [personId],
  );
  return rows.map((r) => r.organisation_id);
}

export type FollowBasis = 'creation' | 'consentement_partage' | 'fusion' | 'carnet_pass';

/** Makes an organisation follow a person; false when it already did. */
export async function addFollow(
  tx: Queryable,
  follow: { personId: string; organisationId: string; since: Date; byUserId: string | null; basis: FollowBasis },
): Promise<boolean> {
  const rows = await tx.query(
    `INSERT INTO people_follows (person_id, organisation_id, since, by_user_id, basis) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (person_id, organisation_id) DO NOTHING RETURNING person_id`,
    [follow.personId, follow.organisationId, follow.since, follow.byUserId, follow.basis],
  );
  return rows.length === 1;
}

export const contactRecord = defineRecord({
  personId: col.uuid(),
  phone: col.text().nullable(),
  email: col.text().nullable(),
  consentPurpose: col.text(),
  consentAt: col.timestamp(),
  consentUserId: col.uuid().nullable(),
  consentOrganisationId: col.uuid(),
});
export type ContactRecord = RecordOf<typeof contactRecord>;

export async function findContact(q: Queryable, personId: string): Promise<ContactRecord | undefined> {
  return selectMaybe(q, contactRecord, `SELECT ${columnsOf(contactRecord)} FROM people_contacts WHERE person_id = $1`, [
    personId,
  ]);
}

/** Records (or replaces) the contact details with the consent they were given under. */
export async function upsertContact(tx: Queryable, c: ContactRecord): Promise<void> {
  await tx.query(
    `INSERT INTO people_contacts (person_id, phone, email, consent_purpose, consent_at, consent_user_id, consent_organisation_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (person_id) DO UPDATE SET phone = EXCLUDED.phone, email = EXCLUDED.email,
       consent_purpose = EXCLUDED.consent_purpose, consent_at = EXCLUDED.consent_at,
       consent_user_id = EXCLUDED.consent_user_id, consent_organisation_id = EXCLUDED.consent_organisation_id`,
    [c.personId, c.phone, c.email, c.consentPurpose, c.consentAt, c.consentUserId, c.consentOrganisationId],
  );
}

export async function deleteContact(tx: Queryable, personId: string): Promise<boolean> {
  return (
    (await tx.query('DELETE FROM people_contacts WHERE person_id = $1 RETURNING person_id', [personId])).length > 0
  );
}

export type AccessAction = 'consultation' | 'recherche_par_code' | 'impression';

export async function insertAccess(
  q: Queryable,
  entry: { personId: string; userId: string | null; organisationId: string | null; action: AccessAction; at: Date },
): Promise<void> {
  await q.query(
    'INSERT INTO people_access_log (person_id, user_id, organisation_id, action, at) VALUES ($1, $2, $3, $4, $5)',
    [entry.personId, entry.userId, entry.organisationId, entry.action, entry.at],
  );
}

export const followedRecord = defineRecord({
  ...personRecord.shape,
  since: col.timestamp(),
  hasContact: col.bool(),
  followers: col.textArray(),
});
export type FollowedRecord = RecordOf<typeof followedRecord>;

/**
 * The people an organisation follows, newest first; `query` matches the start of a word of the
 * folded name, or the canonical code.
 */
export async function listFollowedBy(
  q: Queryable,
  organisationId: string,
  options: { nameQuery?: string; code?: string; limit: number },
): Promise<FollowedRecord[]> {
  const params: unknown[] = [organisationId, options.limit];
  let filter = '';
  if (options.code) {
    params.push(options.code);
    filter += ` AND p.code = $${params.length}`;
  } else if (options.nameQuery) {
    params.push(options.nameQuery.replace(/[\\%_]/g, (c) => `\\${c}`));
    filter += ` AND (p.name_key LIKE $${params.length} || '%' OR p.name_key LIKE '% ' || $${params.length} || '%')`;
  }
  return selectRows(
    q,
    followedRecord,
    `SELECT ${PERSON_COLUMNS}, f.since AS "since",
       EXISTS (SELECT 1 FROM people_contacts c WHERE c.person_id = p.id) AS "hasContact",
       ARRAY(SELECT g.organisation_id::text FROM people_follows g WHERE g.person_id = p.id ORDER BY g.since) AS "followers"
     FROM people_follows f JOIN people p ON p.id = f.person_id
     WHERE f.organisation_id = $1 AND p.erased_at IS NULL AND p.merged_into IS NULL${filter}
     ORDER BY f.since DESC, p.id LIMIT $2`,
    params,
  );
}

/**
 * Likely duplicates among the people an organisation follows: the same folded name, birth
 * year and commune (each « unknown » matching only « unknown »), live records only.
 */
export async function duplicateGroups(q: Queryable, organisationIds: readonly string[]): Promise<string[][]> {
  if (organisationIds.length === 0) return [];
  const rows = await q.query<{ ids: string[] }>(
    `SELECT array_agg(p.id::text ORDER BY p.created_at, p.id) AS ids
     FROM people p
     WHERE p.erased_at IS NULL AND p.merged_into IS NULL
       AND EXISTS (SELECT 1 FROM people_follows f WHERE f.person_id = p.id AND f.organisation_id = ANY($1::uuid[]))
     GROUP BY p.name_key, p.birth_year, p.commune_insee, p.residence_kind
     HAVING count(*) > 1
     ORDER BY min(p.created_at)
     LIMIT 100`,
    [organisationIds],
  );
  return rows.map((r) => r.ids);
}

/** Moves what hangs on a duplicate onto the record kept, then leaves the duplicate as a pointer. */
export async function mergeRecords(
  tx: Queryable,
  keep: PersonRecord,
  duplicate: PersonRecord,
  at: Date,
  byUserId: string | null,
): Promise<void> {
  await tx.query(
    `INSERT INTO people_follows (person_id, organisation_id, since, by_user_id, basis)
     SELECT $1, organisation_id, $3, $4, 'fusion' FROM people_follows WHERE person_id = $2
     ON CONFLICT (person_id, organisation_id) DO NOTHING`,
    [keep.id, duplicate.id, at, byUserId],
  );
  // Contact details: the kept record's, else the duplicate's (with its consent).
  await tx.query(
    `UPDATE people_contacts SET person_id = $1 WHERE person_id = $2
       AND NOT EXISTS (SELECT 1 FROM people_contacts k WHERE k.person_id = $1)`,
    [keep.id, duplicate.id],
  );
  await tx.query('DELETE FROM people_contacts WHERE person_id = $1', [duplicate.id]);
  await tx.query('UPDATE people_access_log SET person_id = $1 WHERE person_id = $2', [keep.id, duplicate.id]);
  await tx.query(
    `UPDATE people_identity_links d SET person_id = $1 WHERE d.person_id = $2
       AND NOT EXISTS (SELECT 1 FROM people_identity_links k WHERE k.person_id = $1 AND k.provider = d.provider
                       AND k.subject_hash = d.subject_hash AND k.mandate_organisation_id = d.mandate_organisation_id)`,
    [keep.id, duplicate.id],
  );
  await tx.query('DELETE FROM people_identity_links WHERE person_id = $1', [duplicate.id]);
  // Facts the kept record lacks come from the duplicate.
  await tx.query(
    `UPDATE people SET
       birth_year = CASE WHEN birth_year IS NULL AND age_band IS NULL THEN $2::int ELSE birth_year END,
       age_band = CASE WHEN birth_year IS NULL AND age_band IS NULL THEN $3::text ELSE age_band END,
       situation = COALESCE(situation, $4::text)
     WHERE id = $1`,
    [keep.id, duplicate.birthYear, duplicate.ageBand, duplicate.situation],
  );
  await tx.query(
    'UPDATE people SET merged_into = $2, merged_at = $3, display_name = NULL, name_key = NULL WHERE id = $1',
    [duplicate.id, keep.id, at],
  );
}

/** Erasure on request: identifying fields removed, what statistics need kept (band, département, situation). */
export async function eraseRecord(
  tx: Queryable,
  person: PersonRecord,
  facts: { ageBand: string | null; departement: string | null },
  at: Date,
): Promise<void> {
  await tx.query('DELETE FROM people_contacts WHERE person_id = $1', [person.id]);
  await tx.query('DELETE FROM people_identity_links WHERE person_id = $1', [person.id]);
  await tx.query(
    `UPDATE people SET display_name = NULL, name_key = NULL, birth_year = NULL, age_band = $2,
       commune_insee = NULL, departement = $3, erased_at = $4
     WHERE id = $1`,
    [person.id, facts.ageBand, facts.departement, at],
  );
}

export const accessRecord = defineRecord({
  userId: col.uuid().nullable(),
  organisationId: col.uuid().nullable(),
  action: col.text(),
  at: col.timestamp(),
});

export async function accessesOf(q: Queryable, personId: string, limit: number) {
  return selectRows(
    q,
    accessRecord,
    `SELECT ${columnsOf(accessRecord)} FROM people_access_log WHERE person_id = $1 ORDER BY at DESC, id DESC LIMIT $2`,
    [personId, limit],
  );
}

export const identityLinkRecord = defineRecord({
  id: col.uuid(),
  personId: col.uuid(),
  provider: col.text(),
  mandateOrganisationId: col.uuid(),
  linkedAt: col.timestamp(),
});

export async function insertIdentityLink(
  tx: Queryable,
  link: {
    personId: string;
    provider: string;
    subjectHash: string;
    mandateOrganisationId: string;
    at: Date;
    by: string | null;
  },
): Promise<{ id: string; created: boolean; personId: string }> {
  const inserted = await tx.query<{ id: string }>(
    `INSERT INTO people_identity_links (person_id, provider, subject_hash, mandate_organisation_id, linked_at, linked_by)
     VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (provider, subject_hash, mandate_organisation_id) DO NOTHING RETURNING id`,
    [link.personId, link.provider, link.subjectHash, link.mandateOrganisationId, link.at, link.by],
  );
  if (inserted[0]) return { id: inserted[0].id, created: true, personId: link.personId };
  const existing = await tx.query<{ id: string; person_id: string }>(
    'SELECT id, person_id FROM people_identity_links WHERE provider = $1 AND subject_hash = $2 AND mandate_organisation_id = $3',
    [link.provider, link.subjectHash, link.mandateOrganisationId],
  );
  const row = existing[0];
  if (!row) throw new Error('identity link vanished');
  return { id: row.id, created: false, personId: row.person_id };
}

export async function identityLinksOf(q: Queryable, personId: string, organisationIds: readonly string[]) {
  return selectRows(
    q,
    identityLinkRecord,
    `SELECT ${columnsOf(identityLinkRecord)} FROM people_identity_links
     WHERE person_id = $1 AND mandate_organisation_id = ANY($2::uuid[]) ORDER BY linked_at`,
    [personId, organisationIds],
  );
}

export async function personIdByIdentity(
  q: Queryable,
  provider: string,
  subjectHash: string,
  mandateOrganisationId: string,
): Promise<string | undefined> {
  const rows = await q.query<{ person_id: string }>(
    `SELECT person_id FROM people_identity_links WHERE provider = $1 AND subject_hash = $2 AND mandate_organisation_id = $3`,
    [provider, subjectHash, mandateOrganisationId],
  );
  return rows[0]?.person_id;
}
