/**
 * The only code that reads or writes the accounts module's tables: organisations, users,
 * memberships, invitations, password_resets, recovery_codes.
 */
import type { Membership, Role } from '../../platform/auth/actor.ts';
import type { Territory } from '../../platform/auth/territory.ts';
import type { Queryable } from '../../platform/db/database.ts';
import {
  col,
  columnsOf,
  defineRecord,
  type RecordOf,
  selectMaybe,
  selectOne,
  selectRows,
} from '../../platform/db/rows.ts';

export interface UserRecord {
  id: string;
  email: string;
  displayName: string;
  passwordHash: string | null;
  isPlatformAdmin: boolean;
  totpSecret: string | null;
  totpEnabledAt: Date | null;
  totpLastStep: number | null;
  isDemo: boolean;
  disabledAt: Date | null;
}

interface UserRow {
  id: string;
  email: string;
  display_name: string;
  password_hash: string | null;
  is_platform_admin: boolean;
  totp_secret: string | null;
  totp_enabled_at: Date | null;
  totp_last_step: number | null;
  is_demo: boolean;
  disabled_at: Date | null;
}

const toUser = (r: UserRow): UserRecord => ({
  id: r.id,
  email: r.email,
  displayName: r.display_name,
  passwordHash: r.password_hash,
  isPlatformAdmin: r.is_platform_admin,
  totpSecret: r.totp_secret,
  totpEnabledAt: r.totp_enabled_at,
  totpLastStep: r.totp_last_step,
  isDemo: r.is_demo,
  disabledAt: r.disabled_at,
});

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function findUserById(db: Queryable, id: string): Promise<UserRecord | undefined> {
  const rows = await db.query<UserRow>('SELECT * FROM users WHERE id = $1', [id]);
  return rows[0] ? toUser(rows[0]) : undefined;
}

export async function findUserByEmail(db: Queryable, email: string): Promise<UserRecord | undefined> {
  const rows = await db.query<UserRow>('SELECT * FROM users WHERE email = $1', [normaliseEmail(email)]);
  return rows[0] ? toUser(rows[0]) : undefined;
}

export async function insertUser(
  db: Queryable,
  input: {
    email: string;
    displayName: string;
    passwordHash: string | null;
    isPlatformAdmin: boolean;
    isDemo?: boolean;
  },
): Promise<UserRecord> {
  const rows = await db.query<UserRow>(
    `INSERT INTO users (email, display_name, password_hash, is_platform_admin, is_demo)
     VALUES ($1, $2, $3, $4, $5) RETURNING *`,
    [normaliseEmail(input.email), input.displayName, input.passwordHash, input.isPlatformAdmin, input.isDemo ?? false],
  );
  return toUser(rows[0] as UserRow);
}

/** A new password; every reset link still out for the account stops working (issue 9). */
export async function setPasswordHash(db: Queryable, userId: string, hash: string): Promise<void> {
  await db.query('UPDATE users SET password_hash = $2 WHERE id = $1', [userId, hash]);
  await db.query('UPDATE password_resets SET used_at = now() WHERE user_id = $1 AND used_at IS NULL', [userId]);
}

export async function setPlatformAdmin(db: Queryable, userId: string, value: boolean): Promise<void> {
  await db.query('UPDATE users SET is_platform_admin = $2 WHERE id = $1', [userId, value]);
}

/** The second factor confirmed: its sealed secret stored and enabled in one statement. */
export async function enableTotp(db: Queryable, userId: string, sealed: string, at: Date, step: number): Promise<void> {
  await db.query('UPDATE users SET totp_secret = $2, totp_enabled_at = $3, totp_last_step = $4 WHERE id = $1', [
    userId,
    sealed,
    at,
    step,
  ]);
}

export async function disableTotp(db: Queryable, userId: string): Promise<void> {
  await db.query('UPDATE users SET totp_secret = NULL, totp_enabled_at = NULL, totp_last_step = NULL WHERE id = $1', [
    userId,
  ]);
  await db.query('DELETE FROM recovery_codes WHERE user_id = $1', [userId]);
}

/** Records the step of an accepted code; false if that step (or a later one) was already used. */
export async function consumeTotpStep(db: Queryable, userId: string, step: number): Promise<boolean> {
  const rows = await db.query(
    'UPDATE users SET totp_last_step = $2 WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2) RETURNING id',
    [userId, step],
  );
  return rows.length === 1;
}

export async function replaceRecoveryCodes(db: Queryable, userId: string, hashes: string[]): Promise<void> {
  await db.query('DELETE FROM recovery_codes WHERE user_id = $1', [userId]);
  for (const h of hashes) {
    await db.query('INSERT INTO recovery_codes (user_id, code_hash) VALUES ($1, $2)', [userId, h]);
  }
}

export async function consumeRecoveryCode(db: Queryable, userId: string, hash: string, at: Date): Promise<boolean> {
  const rows = await db.query(
    'UPDATE recovery_codes SET used_at = $3 WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL RETURNING user_id',
    [userId, hash, at],
  );
  return rows.length === 1;
}

export async function countUnusedRecoveryCodes(db: Queryable, userId: string): Promise<number> {
  const rows = await db.query<{ n: number }>(
    'SELECT count(*) AS n FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL',
    [userId],
  );
  return rows[0]?.n ?? 0;
}

export async function countUsers(db: Queryable): Promise<number> {
  const rows = await db.query<{ n: number }>('SELECT count(*) AS n FROM users');
  return rows[0]?.n ?? 0;
}

// Organisations ---------------------------------------------------------------------------

const Organisation = defineRecord({
  id: col.uuid(),
  name: col.text(),
  kind: col.text(),
  siret: col.text().nullable(),
  isDemo: col.bool(),
  createdAt: col.timestamp(),
  territoryDepartements: col.textArray(),
  territoryCommunes: col.textArray(),
});
type OrganisationRow = RecordOf<typeof Organisation>;

export interface OrganisationRecord {
  id: string;
  name: string;
  kind: string;
  siret: string | null;
  isDemo: boolean;
  createdAt: Date;
  /** Set by a platform administrator; empty until then. */
  territory: Territory;
}

const toOrganisation = ({ territoryDepartements, territoryCommunes, ...r }: OrganisationRow): OrganisationRecord => ({
  ...r,
  territory: { departements: territoryDepartements, communes: territoryCommunes },
});

const organisationColumns = columnsOf(Organisation, 'o');

export async function insertOrganisation(
  db: Queryable,
  input: { name: string; kind: string; siret: string | null; isDemo?: boolean; territory?: Territory },
): Promise<OrganisationRecord> {
  const row = await selectOne(
    db,
    Organisation,
    `INSERT INTO organisations AS o (name, kind, siret, is_demo, territory_departements, territory_communes)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${organisationColumns}`,
    [
      input.name,
      input.kind,
      input.siret,
      input.isDemo ?? false,
      input.territory?.departements ?? [],
      input.territory?.communes ?? [],
    ],
  );
  return toOrganisation(row);
}

/**
 * One organisation. `lock` reads it under a row lock, inside the caller's transaction: a use
 * case that decides on the organisation's territory re-reads it this way before writing.
 */
export async function findOrganisation(
  db: Queryable,
  id: string,
  options: { lock?: 'update' | 'share' } = {},
): Promise<OrganisationRecord | undefined> {
  if (!isUuid(id)) return undefined;
  const lock = options.lock === 'update' ? ' FOR UPDATE' : options.lock === 'share' ? ' FOR SHARE' : '';
  const row = await selectMaybe(
    db,
    Organisation,
    `SELECT ${organisationColumns} FROM organisations o WHERE o.id = $1${lock}`,
    [id],
  );
  return row ? toOrganisation(row) : undefined;
}

export async function findOrganisationBySiret(db: Queryable, siret: string): Promise<OrganisationRecord | undefined> {
  const row = await selectMaybe(
    db,
    Organisation,
    `SELECT ${organisationColumns} FROM organisations o WHERE o.siret = $1`,
    [siret],
  );
  return row ? toOrganisation(row) : undefined;
}

const OrganisationWithMembers = Organisation.extend({ members: col.int() });

export async function listOrganisations(db: Queryable): Promise<Array<OrganisationRecord & { members: number }>> {
  const rows = await selectRows(
    db,
    OrganisationWithMembers,
    `SELECT ${columnsOf(OrganisationWithMembers, 'o', {
      members: '(SELECT count(*)::int FROM memberships m WHERE m.organisation_id = o.id)',
    })}
     FROM organisations o ORDER BY o.name`,
  );
  return rows.map(({ members, ...r }) => ({ ...toOrganisation(r), members }));
}

export async function setOrganisationTerritory(db: Queryable, id: string, territory: Territory): Promise<void> {
  await db.query('UPDATE organisations SET territory_departements = $2, territory_communes = $3 WHERE id = $1', [
    id,
    territory.departements,
    territory.communes,
  ]);
}

// Memberships -----------------------------------------------------------------------------

const MembershipRow = defineRecord({
  organisationId: col.uuid(),
  organisationName: col.text(),
  role: col.text(),
  canActOnBehalf: col.bool(),
  territoryDepartements: col.textArray(),
  territoryCommunes: col.textArray(),
});

export async function membershipsOf(db: Queryable, userId: string): Promise<Membership[]> {
  const rows = await selectRows(
    db,
    MembershipRow,
    `SELECT ${columnsOf(MembershipRow, 'm', {
      organisationName: 'o.name',
      territoryDepartements: 'o.territory_departements',
      territoryCommunes: 'o.territory_communes',
    })}
     FROM memberships m JOIN organisations o ON o.id = m.organisation_id
     WHERE m.user_id = $1 ORDER BY o.name`,
    [userId],
  );
  return rows.map((r) => ({
    organisationId: r.organisationId,
    organisationName: r.organisationName,
    role: r.role as Role,
    canActOnBehalf: r.canActOnBehalf,
    territory: { departements: r.territoryDepartements, communes: r.territoryCommunes },
  }));
}

export interface MemberView {
  userId: string;
  email: string;
  displayName: string;
  role: Role;
  canActOnBehalf: boolean;
  hasSecondFactor: boolean;
  since: Date;
}

export async function membersOf(db: Queryable, organisationId: string): Promise<MemberView[]> {
  const rows = await db.query<{
    user_id: string;
    email: string;
    display_name: string;
    role: Role;
    can_act_on_behalf: boolean;
    totp_enabled_at: Date | null;
    created_at: Date;
  }>(
    `SELECT m.user_id, u.email, u.display_name, m.role, m.can_act_on_behalf, u.totp_enabled_at, m.created_at
     FROM memberships m JOIN users u ON u.id = m.user_id
     WHERE m.organisation_id = $1 ORDER BY u.display_name`,
    [organisationId],
  );
  return rows.map((r) => ({
    userId: r.user_id,
    email: r.email,
    displayName: r.display_name,
    role: r.role,
    canActOnBehalf: r.can_act_on_behalf,
    hasSecondFactor: r.totp_enabled_at !== null,
    since: r.created_at,
  }));
}

export async function upsertMembership(
  db: Queryable,
  input: { userId: string; organisationId: string; role: Role; canActOnBehalf: boolean },
): Promise<void> {
  await db.query(
    `INSERT INTO memberships (user_id, organisation_id, role, can_act_on_behalf) VALUES ($1, $2, $3, $4)
     ON CONFLICT (user_id, organisation_id) DO UPDATE SET role = EXCLUDED.role, can_act_on_behalf = EXCLUDED.can_act_on_behalf`,
    [input.userId, input.organisationId, input.role, input.canActOnBehalf],
  );
}

export async function deleteMembership(db: Queryable, userId: string, organisationId: string): Promise<boolean> {
  const rows = await db.query('DELETE FROM memberships WHERE user_id = $1 AND organisation_id = $2 RETURNING user_id', [
    userId,
    organisationId,
  ]);
  return rows.length === 1;
}

// Invitations and password resets -------------------------------------------------------

export interface InvitationRecord {
  id: string;
  organisationId: string;
  email: string;
  role: Role;
  canActOnBehalf: boolean;
  createdAt: Date;
  expiresAt: Date;
  acceptedAt: Date | null;
  revokedAt: Date | null;
}

interface InvitationRow {
  id: string;
  organisation_id: string;
  email: string;
  role: Role;
  can_act_on_behalf: boolean;
  created_at: Date;
  expires_at: Date;
  accepted_at: Date | null;
  revoked_at: Date | null;
}

const toInvitation = (r: InvitationRow): InvitationRecord => ({
  id: r.id,
  organisationId: r.organisation_id,
  email: r.email,
  role: r.role,
  canActOnBehalf: r.can_act_on_behalf,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  acceptedAt: r.accepted_at,
  revokedAt: r.revoked_at,
});

export async function insertInvitation(
  db: Queryable,
  input: {
    organisationId: string;
    email: string;
    role: Role;
    canActOnBehalf: boolean;
    tokenHash: string;
    invitedBy: string | null;
    createdAt: Date;
    expiresAt: Date;
  },
): Promise<InvitationRecord> {
  const rows = await db.query<InvitationRow>(
    `INSERT INTO invitations (organisation_id, email, role, can_act_on_behalf, token_hash, invited_by, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
    [
      input.organisationId,
      normaliseEmail(input.email),
      input.role,
      input.canActOnBehalf,
      input.tokenHash,
      input.invitedBy,
      input.createdAt,
      input.expiresAt,
    ],
  );
  return toInvitation(rows[0] as InvitationRow);
}

export async function findInvitationByTokenHash(
  db: Queryable,
  tokenHash: string,
): Promise<InvitationRecord | undefined> {
  const rows = await db.query<InvitationRow>('SELECT * FROM invitations WHERE token_hash = $1', [tokenHash]);
  return rows[0] ? toInvitation(rows[0]) : undefined;
}

/** Marks an invitation accepted if it still can be; false when someone used it meanwhile. */
export async function markInvitationAccepted(db: Queryable, id: string, at: Date): Promise<boolean> {
  const rows = await db.query(
    `UPDATE invitations SET accepted_at = $2
     WHERE id = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $2 RETURNING id`,
    [id, at],
  );
  return rows.length === 1;
}

export async function pendingInvitations(
  db: Queryable,
  organisationId: string,
  now: Date,
): Promise<InvitationRecord[]> {
  const rows = await db.query<InvitationRow>(
    `SELECT * FROM invitations WHERE organisation_id = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $2
     ORDER BY created_at DESC`,
    [organisationId, now],
  );
  return rows.map(toInvitation);
}

export async function revokeInvitation(db: Queryable, id: string, organisationId: string, at: Date): Promise<boolean> {
  const rows = await db.query(
    'UPDATE invitations SET revoked_at = $3 WHERE id = $1 AND organisation_id = $2 AND accepted_at IS NULL AND revoked_at IS NULL RETURNING id',
    [id, organisationId, at],
  );
  return rows.length === 1;
}

export async function insertPasswordReset(
  db: Queryable,
  input: { tokenHash: string; userId: string; createdAt: Date; expiresAt: Date },
): Promise<void> {
  await db.query('INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)', [
    input.tokenHash,
    input.userId,
    input.createdAt,
    input.expiresAt,
  ]);
}

export async function findPasswordReset(
  db: Queryable,
  tokenHash: string,
): Promise<{ userId: string; expiresAt: Date; usedAt: Date | null } | undefined> {
  const rows = await db.query<{ user_id: string; expires_at: Date; used_at: Date | null }>(
    'SELECT user_id, expires_at, used_at FROM password_resets WHERE token_hash = $1',
    [tokenHash],
  );
  const r = rows[0];
  return r ? { userId: r.user_id, expiresAt: r.expires_at, usedAt: r.used_at } : undefined;
}

export async function markPasswordResetUsed(db: Queryable, tokenHash: string, at: Date): Promise<boolean> {
  const rows = await db.query(
    'UPDATE password_resets SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING user_id',
    [tokenHash, at],
  );
  return rows.length === 1;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export function isUuid(value: string): boolean {
  return uuidPattern.test(value);
}

/** E-mail addresses of the active members holding one of these roles in the organisation (notifications). */
export async function memberEmailsWithRoles(
  db: Queryable,
  organisationId: string,
  roles: readonly string[],
): Promise<string[]> {
  if (!isUuid(organisationId)) return [];
  const rows = await db.query<{ email: string }>(
    `SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id
     WHERE m.organisation_id = $1 AND m.role = ANY($2::text[]) AND u.disabled_at IS NULL ORDER BY u.email`,
    [organisationId, [...roles]],
  );
  return rows.map((r) => r.email);
}
