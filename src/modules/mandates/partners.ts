/**
 * Partner services (issue 16): the online services a helper signs in to on a person's behalf,
 * registered by a platform administrator. They are the clients of Passerelle's OpenID Connect
 * provider (partner-provider.ts reads them from `mandate_partners`). Two authentication methods:
 * `private_key_jwt` (the partner's public keys, inline or at an address — preferred: no shared
 * secret) and `client_secret_post` (a random secret, sealed with SECRET_KEY because the provider
 * compares the plain value, shown once to the administrator; ADR 0032). Each write is one
 * transaction with its journal entry.
 */
import { z } from 'zod';
import { type Actor, accountIdOf } from '../../platform/auth/actor.ts';
import { authorize } from '../../platform/auth/policy.ts';
import { decryptSecret, encryptSecret, randomToken } from '../../platform/crypto.ts';
import type { Queryable } from '../../platform/db/database.ts';
import { col, columnsOf, defineRecord, type RecordOf, selectMaybe, selectRows } from '../../platform/db/rows.ts';
import { ConflictError, NotFoundError, ValidationError } from '../../platform/http/errors.ts';
import { fieldErrorsOf, many, parseInput, requiredText } from '../../platform/http/validation.ts';
import { appendJournal } from '../../platform/journal/journal.ts';
import type { MandatesDeps } from './deps.ts';
import { FAMILY_KEYS, isFamily } from './families.ts';
import { mandatesPolicy } from './policies.ts';

const SECRET_PURPOSE = 'mandate-partner-secret';

const Partner = defineRecord({
  id: col.uuid(),
  clientId: col.text(),
  name: col.text(),
  authMethod: col.text(),
  sealedSecret: col.text().nullable(),
  jwks: col.json(z.unknown()).nullable(),
  jwksUri: col.text().nullable(),
  redirectUris: col.textArray(),
  postLogoutRedirectUris: col.textArray(),
  families: col.textArray(),
  disabledAt: col.timestamp().nullable(),
  createdAt: col.timestamp(),
  updatedAt: col.timestamp(),
});
export type PartnerRow = RecordOf<typeof Partner>;
export interface PartnerRecord extends Omit<PartnerRow, 'sealedSecret' | 'jwks'> {
  hasSecret: boolean;
  jwks: { keys: Array<Record<string, unknown>> } | null;
}
const partnerColumns = columnsOf(Partner, 'p');

const jwksOf = (value: unknown): PartnerRecord['jwks'] =>
  ((typeof value === 'string' ? JSON.parse(value) : value) as PartnerRecord['jwks']) ?? null;

function toRecord(row: PartnerRow): PartnerRecord {
  const { sealedSecret, jwks, ...rest } = row;
  return { ...rest, hasSecret: sealedSecret !== null, jwks: jwksOf(jwks) };
}

async function selectPartners(db: Queryable, where: string, params: unknown[]): Promise<PartnerRecord[]> {
  return (await selectRows(db, Partner, `SELECT ${partnerColumns} FROM mandate_partners p ${where}`, params)).map(
    toRecord,
  );
}

export async function listPartners(db: Queryable): Promise<PartnerRecord[]> {
  return selectPartners(db, 'ORDER BY p.name, p.client_id LIMIT 500', []);
}

export async function findPartner(db: Queryable, id: string): Promise<PartnerRecord | undefined> {
  if (!UUID.test(id)) return undefined;
  return (await selectPartners(db, 'WHERE p.id = $1', [id]))[0];
}

export async function findPartnerByClientId(db: Queryable, clientId: string): Promise<PartnerRecord | undefined> {
  return (await selectPartners(db, 'WHERE p.client_id = $1', [clientId]))[0];
}

/**
 * The client metadata oidc-provider needs for an enabled partner (its `Client` model), or
 * undefined: a disabled partner is unknown to the provider at once.
 */
export async function clientMetadataOf(
  db: Queryable,
  secretKey: string,
  clientId: string,
): Promise<Record<string, unknown> | undefined> {
  const row = await selectMaybe(
    db,
    Partner,
    `SELECT ${partnerColumns} FROM mandate_partners p WHERE p.client_id = $1`,
    [clientId],
  );
  if (!row || row.disabledAt) return undefined;
  return {
    client_id: row.clientId,
    client_name: row.name,
    redirect_uris: row.redirectUris,
    post_logout_redirect_uris: row.postLogoutRedirectUris,
    grant_types: ['authorization_code'],
    response_types: ['code'],
    subject_type: 'pairwise',
    token_endpoint_auth_method: row.authMethod,
    id_token_signed_response_alg: 'ES256',
    ...(row.authMethod === 'client_secret_post' && row.sealedSecret
      ? { client_secret: decryptSecret(secretKey, SECRET_PURPOSE, row.sealedSecret) }
      : {}),
    ...(row.authMethod === 'private_key_jwt'
      ? row.jwksUri
        ? { jwks_uri: row.jwksUri }
        : { jwks: jwksOf(row.jwks) }
      : {}),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a redirect address is acceptable: https, or http on this machine (development). */
function acceptableUri(value: string, allowHttpLocal: boolean): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  if (url.hash || url.username || url.password) return false;
  if (url.protocol === 'https:') return true;
  return allowHttpLocal && url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
}

/**
 * Subjects are pairwise (partner-provider.ts), and OpenID Connect Core §8.1 — enforced by
 * oidc-provider — wants a `sector_identifier_uri` document when a client's redirect URIs span
 * several hosts. The subject is computed per client_id, so a sector would change nothing: the
 * redirect URIs of one registration stay on one host (one registration per host otherwise).
 */
export function singleHost(uris: readonly string[]): boolean {
  return new Set(uris.map((u) => URL.parse(u)?.host)).size <= 1;
}
export const SINGLE_HOST_MESSAGE =
  "Toutes les adresses de retour après connexion doivent être sur le même nom d'hôte : enregistrez un service par nom d'hôte.";

const lines = (max: number) =>
  z.preprocess(
    (v) =>
      typeof v === 'string'
        ? v
            .split(/\r?\n/)
            .map((l) => l.trim())
            .filter((l) => l.length > 0)
        : (v ?? []),
    z.array(z.string().max(500)).max(max, `Au plus ${max} adresses.`),
  );

const uriList = (allowHttpLocal: boolean, message: string) =>
  lines(10).refine((list) => list.every((u) => acceptableUri(u, allowHttpLocal)), message);

function schemaFor(allowHttpLocal: boolean) {
  const uriMessage = allowHttpLocal
    ? 'Une adresse par ligne, en https:// (ou http://localhost en développement), sans « # ».'
    : 'Une adresse par ligne, en https://, sans « # ».';
  return z.object({
    name: requiredText(120),
    authMethod: z.enum(['private_key_jwt', 'client_secret_post'], {
      message: "Choisissez une méthode d'authentification de la liste.",
    }),
    jwks: z.string().trim().max(20_000).optional(),
    jwksUri: z.string().trim().max(500).optional(),
    redirectUris: uriList(allowHttpLocal, uriMessage)
      .refine((l) => l.length > 0, 'Saisissez au moins une adresse.')
      .refine((l) => singleHost(l), SINGLE_HOST_MESSAGE),
    postLogoutRedirectUris: uriList(allowHttpLocal, uriMessage),
    families: many(z.string().max(20))
      .refine((l) => l.length > 0, 'Choisissez au moins une famille de démarches.')
      .refine((l) => l.every(isFamily), 'Choisissez des familles de la liste.'),
  });
}

const clientIdSchema = z.object({
  clientId: z
    .string({ message: 'Ce champ est obligatoire.' })
    .trim()
    .regex(/^[a-z0-9][a-z0-9._-]{2,63}$/, 'De 3 à 64 caractères : minuscules, chiffres, « . _ - ».'),
});

/** The public keys of a JWKS typed by the administrator; a private key (member `d`) is refused. */
function parseJwks(text: string): { keys: Array<Record<string, unknown>> } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new ValidationError({ jwks: "Ce n'est pas un document JSON valide." });
  }
  const keys = (value as { keys?: unknown })?.keys;
  if (!Array.isArray(keys) || keys.length === 0 || keys.length > 10)
    throw new ValidationError({ jwks: 'Le document doit contenir « keys » : une liste de 1 à 10 clés.' });
  for (const k of keys) {
    if (typeof k !== 'object' || k === null || typeof (k as Record<string, unknown>).kty !== 'string')
      throw new ValidationError({ jwks: 'Chaque clé doit avoir un type (« kty »).' });
    if ('d' in k || 'k' in k)
      throw new ValidationError({
        jwks: 'Seules les clés publiques sont acceptées : ne transmettez jamais la clé privée.',
      });
  }
  return { keys: keys as Array<Record<string, unknown>> };
}

interface Checked {
  name: string;
  authMethod: 'private_key_jwt' | 'client_secret_post';
  jwks: { keys: Array<Record<string, unknown>> } | null;
  jwksUri: string | null;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  families: string[];
}

function check(input: unknown, allowHttpLocal: boolean): Checked {
  const v = parseInput(schemaFor(allowHttpLocal), input);
  let jwks: Checked['jwks'] = null;
  let jwksUri: string | null = null;
  if (v.authMethod === 'private_key_jwt') {
    if (v.jwksUri) {
      if (!acceptableUri(v.jwksUri, allowHttpLocal))
        throw new ValidationError({ jwksUri: 'Saisissez une adresse en https://.' });
      jwksUri = v.jwksUri;
    } else if (v.jwks) jwks = parseJwks(v.jwks);
    else
      throw new ValidationError({
        jwks: 'Avec « private_key_jwt », donnez les clés publiques du service (JWKS) ou leur adresse.',
      });
  }
  return {
    name: v.name,
    authMethod: v.authMethod,
    jwks,
    jwksUri,
    redirectUris: v.redirectUris,
    postLogoutRedirectUris: v.postLogoutRedirectUris,
    families: FAMILY_KEYS.filter((f) => v.families.includes(f)),
  };
}

export interface PartnerSaved {
  id: string;
  /** The new secret (client_secret_post), to show once: it is never shown again. */
  secret?: string;
}

export async function createPartner(
  deps: Pick<MandatesDeps, 'db' | 'clock' | 'secretKey'>,
  actor: Actor | undefined,
  input: unknown,
  options: { allowHttpLocal: boolean },
): Promise<PartnerSaved> {
  authorize(actor, mandatesPolicy.managePartners, null);
  // Every field's error at once: the identifier's and the others'.
  const id = clientIdSchema.safeParse(input);
  let v: Checked;
  try {
    v = check(input, options.allowHttpLocal);
  } catch (error) {
    if (error instanceof ValidationError && !id.success)
      throw new ValidationError({ ...fieldErrorsOf(id.error), ...error.fieldErrors });
    throw error;
  }
  const { clientId } = parseInput(clientIdSchema, input);
  const secret = v.authMethod === 'client_secret_post' ? randomToken(32) : undefined;
  return deps.db.transaction(async (tx) => {
    const now = deps.clock();
    const rows = await tx.query<{ id: string }>(
      `INSERT INTO mandate_partners (client_id, name, auth_method, sealed_secret, jwks, jwks_uri, redirect_uris,
         post_logout_redirect_uris, families, created_by, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)
       ON CONFLICT (client_id) DO NOTHING RETURNING id`,
      [
        clientId,
        v.name,
        v.authMethod,
        secret ? encryptSecret(deps.secretKey, SECRET_PURPOSE, secret) : null,
        v.jwks ? JSON.stringify(v.jwks) : null,
        v.jwksUri,
        v.redirectUris,
        v.postLogoutRedirectUris,
        v.families,
        accountIdOf(actor),
        now,
      ],
    );
    const id = rows[0]?.id;
    if (!id) throw new ValidationError({ clientId: 'Cet identifiant est déjà celui d’un autre service.' });
    await appendJournal(tx, deps.clock, {
      action: 'mandats.service_partenaire_enregistre',
      actorUserId: accountIdOf(actor),
      targetType: 'service_partenaire',
      targetId: id,
      details: { client_id: clientId, methode: v.authMethod, familles: v.families, redirections: v.redirectUris },
    });
    return secret ? { id, secret } : { id };
  });
}

export async function updatePartner(
  deps: Pick<MandatesDeps, 'db' | 'clock' | 'secretKey'>,
  actor: Actor | undefined,
  id: string,
  input: unknown,
  options: { allowHttpLocal: boolean },
): Promise<PartnerSaved> {
  authorize(actor, mandatesPolicy.managePartners, null);
  const before = await findPartner(deps.db, id);
  if (!before) throw new NotFoundError('Ce service partenaire est introuvable.');
  const v = check(input, options.allowHttpLocal);
  // Switching to client_secret_post creates a secret (shown once); switching away drops it.
  const secret = v.authMethod === 'client_secret_post' && !before.hasSecret ? randomToken(32) : undefined;
  await deps.db.transaction(async (tx) => {
    await tx.query(
      `UPDATE mandate_partners SET name = $2, auth_method = $3,
         sealed_secret = CASE WHEN $3 = 'client_secret_post' THEN COALESCE($4, sealed_secret) ELSE NULL END,
         jwks = $5, jwks_uri = $6, redirect_uris = $7, post_logout_redirect_uris = $8, families = $9, updated_at = $10
       WHERE id = $1`,
      [
        id,
        v.name,
        v.authMethod,
        secret ? encryptSecret(deps.secretKey, SECRET_PURPOSE, secret) : null,
        v.jwks ? JSON.stringify(v.jwks) : null,
        v.jwksUri,
        v.redirectUris,
        v.postLogoutRedirectUris,
        v.families,
        deps.clock(),
      ],
    );
    await appendJournal(tx, deps.clock, {
      action: 'mandats.service_partenaire_modifie',
      actorUserId: accountIdOf(actor),
      targetType: 'service_partenaire',
      targetId: id,
      details: {
        client_id: before.clientId,
        methode: v.authMethod,
        familles: v.families,
        redirections: v.redirectUris,
      },
    });
  });
  return secret ? { id, secret } : { id };
}

/** A new secret for a client_secret_post partner: the former one stops working at once. */
export async function renewPartnerSecret(
  deps: Pick<MandatesDeps, 'db' | 'clock' | 'secretKey'>,
  actor: Actor | undefined,
  id: string,
): Promise<string> {
  authorize(actor, mandatesPolicy.managePartners, null);
  const partner = await findPartner(deps.db, id);
  if (!partner) throw new NotFoundError('Ce service partenaire est introuvable.');
  if (partner.authMethod !== 'client_secret_post')
    throw new ConflictError('no_secret', "Ce service s'authentifie par clé (private_key_jwt) : il n'a pas de secret.");
  const secret = randomToken(32);
  await deps.db.transaction(async (tx) => {
    await tx.query('UPDATE mandate_partners SET sealed_secret = $2, updated_at = $3 WHERE id = $1', [
      id,
      encryptSecret(deps.secretKey, SECRET_PURPOSE, secret),
      deps.clock(),
    ]);
    await appendJournal(tx, deps.clock, {
      action: 'mandats.service_partenaire_secret_renouvele',
      actorUserId: accountIdOf(actor),
      targetType: 'service_partenaire',
      targetId: id,
      details: { client_id: partner.clientId },
    });
  });
  return secret;
}

/** Disables (or enables again) a partner: a disabled partner is unknown to the provider at once. */
export async function setPartnerDisabled(
  deps: Pick<MandatesDeps, 'db' | 'clock'>,
  actor: Actor | undefined,
  id: string,
  disabled: boolean,
): Promise<void> {
  authorize(actor, mandatesPolicy.managePartners, null);
  const partner = await findPartner(deps.db, id);
  if (!partner) throw new NotFoundError('Ce service partenaire est introuvable.');
  await deps.db.transaction(async (tx) => {
    const changed = await tx.query(
      `UPDATE mandate_partners SET disabled_at = $2, updated_at = $3 WHERE id = $1 AND (disabled_at IS NULL) = $4 RETURNING id`,
      [id, disabled ? deps.clock() : null, deps.clock(), disabled],
    );
    if (changed.length === 0) return;
    // Its tokens and delegations end with it.
    await tx.query('DELETE FROM mandate_partner_grants WHERE partner_id = $1', [id]);
    await appendJournal(tx, deps.clock, {
      action: disabled ? 'mandats.service_partenaire_desactive' : 'mandats.service_partenaire_reactive',
      actorUserId: accountIdOf(actor),
      targetType: 'service_partenaire',
      targetId: id,
      details: { client_id: partner.clientId },
    });
  });
}

/**
 * The demo partner service of development (PRODUCT.md §5): `demo-partenaire`, redirect
 * `{PUBLIC_URL}/dev/partenaire/retour`, client_secret_post with a secret derived from SECRET_KEY
 * (the demo partner page derives the same). Registered once, journaled like any other.
 */
export const DEMO_PARTNER_CLIENT_ID = 'demo-partenaire';

export async function registerDemoPartner(
  deps: Pick<MandatesDeps, 'db' | 'clock' | 'secretKey' | 'publicUrl'>,
  secret: string,
): Promise<void> {
  await deps.db.transaction(async (tx) => {
    const now = deps.clock();
    const rows = await tx.query<{ id: string }>(
      `INSERT INTO mandate_partners (client_id, name, auth_method, sealed_secret, redirect_uris, post_logout_redirect_uris,
         families, created_at, updated_at)
       VALUES ($1, $2, 'client_secret_post', $3, $4, $5, $6, $7, $7)
       ON CONFLICT (client_id) DO NOTHING RETURNING id`,
      [
        DEMO_PARTNER_CLIENT_ID,
        'Service partenaire de démonstration',
        encryptSecret(deps.secretKey, SECRET_PURPOSE, secret),
        [`${deps.publicUrl}/dev/partenaire/retour`],
        [`${deps.publicUrl}/dev/partenaire`],
        [...FAMILY_KEYS],
        now,
      ],
    );
    if (!rows[0]) return;
    await appendJournal(tx, deps.clock, {
      action: 'mandats.service_partenaire_enregistre',
      targetType: 'service_partenaire',
      targetId: rows[0].id,
      details: { client_id: DEMO_PARTNER_CLIENT_ID, methode: 'client_secret_post', demonstration: true },
    });
  });
}
