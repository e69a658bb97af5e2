/**
 * Environment -> typed, frozen configuration. Read once at boot; every variable is
 * documented here (and mirrored in .env.example). An invalid value stops the process with
 * a message saying how to fix it.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const yes = ['1', 'true', 'oui', 'yes', 'on'];
const no = ['0', 'false', 'non', 'no', 'off', ''];
const bool = (fallback: boolean) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return fallback;
      const s = v.trim().toLowerCase();
      if (yes.includes(s)) return true;
      if (no.includes(s)) return false;
      ctx.addIssue({ code: 'custom', message: 'attendu : oui ou non (true/false)' });
      return z.NEVER;
    });

const positiveInt = (fallback: number) =>
  z.coerce
    .number({ message: 'attendu : un nombre entier' })
    .int('attendu : un nombre entier')
    .positive('attendu : un nombre entier positif')
    .default(fallback);

/** Each variable with the remedy shown when it is wrong. */
const schema = z.object({
  /** development | production | test. Production refuses demo data and the dev mailbox. */
  NODE_ENV: z
    .enum(['development', 'production', 'test'], { message: 'attendu : development, production ou test' })
    .default('development'),
  /** TCP port of the web server. */
  PORT: z.coerce
    .number({ message: 'attendu : un numéro de port entre 1 et 65535, par exemple 3000' })
    .int('attendu : un numéro de port entre 1 et 65535, par exemple 3000')
    .min(1, 'attendu : un numéro de port entre 1 et 65535, par exemple 3000')
    .max(65535, 'attendu : un numéro de port entre 1 et 65535, par exemple 3000')
    .default(3000),
  /** Interface to listen on; 0.0.0.0 to accept connections from other machines. */
  HOST: z.string().min(1).default('127.0.0.1'),
  /** Public address of the service, used in e-mails and OpenID Connect redirects. */
  PUBLIC_URL: z.url({ message: 'attendu : une adresse comme https://passerelle.example.fr' }).optional(),
  /** PostgreSQL server (postgres://user:password@host:5432/db). Unset: embedded PGlite under DATA_DIR. */
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'attendu : postgres://utilisateur:motdepasse@hôte:5432/base')
    .optional(),
  /** Size of the PostgreSQL connection pool. */
  DATABASE_POOL_SIZE: positiveInt(10),
  /** Folder for the embedded database and local files. */
  DATA_DIR: z.string().min(1).default('./var'),
  /** Secret (≥ 32 characters) that signs cookies and encrypts second-factor secrets. Generated under DATA_DIR outside production. */
  SECRET_KEY: z.string().min(32, 'au moins 32 caractères aléatoires (openssl rand -hex 32)').optional(),
  /** SMTP server, e.g. smtp://user:pass@smtp.example.fr:587. Unset outside production: development mailbox at /dev/boite-mail. */
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'attendu : smtp://… ou smtps://…')
    .optional(),
  /** Sender of e-mails. */
  MAIL_FROM: z.string().min(3).default('Passerelle <ne-pas-repondre@passerelle.localhost>'),
  /** Name of the operator shown in the header and legal pages. */
  OPERATOR_NAME: z.string().min(2).default('Passerelle'),
  /** Only for a State service approved to use the Marque de l'État (bloc marque, Marianne typeface). */
  STATE_BRAND: bool(false),
  /** pino level: fatal, error, warn, info, debug, trace, silent. */
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      message: 'attendu : fatal, error, warn, info, debug, trace ou silent',
    })
    .default('info'),
  /** Set when behind a reverse proxy, so client addresses and https are taken from it. */
  TRUST_PROXY: bool(false),
  /** Requests to the sign-in forms per client address within 15 minutes (a flood guard). */
  RATE_LIMIT_LOGIN: positiveInt(300),
  /** Failed sign-in attempts (password or second-factor code) per account within 15 minutes. */
  SIGN_IN_FAILURES_PER_ACCOUNT: positiveInt(10),
  /** Failed sign-in attempts per client address within 15 minutes (an office shares one address). */
  SIGN_IN_FAILURES_PER_ADDRESS: positiveInt(100),
  /** Voucher checks and redemptions per minute per helper (web) or per API token. */
  VOUCHER_CHECKS_PER_MINUTE: positiveInt(30),
  /** Requests per minute per client address on the public API. */
  RATE_LIMIT_PUBLIC_API: positiveInt(600),
  /** Minutes of inactivity after which a session ends. */
  SESSION_IDLE_MINUTES: positiveInt(60),
  /** Hours after which a session ends whatever the activity. */
  SESSION_MAX_HOURS: positiveInt(12),
  /** Largest uploaded file accepted (imports), in megabytes. */
  UPLOAD_MAX_MB: positiveInt(50),
  /** Demo organisations and accounts: auto (first start of an empty embedded database), oui, non. */
  DEMO_DATA: z.enum(['auto', 'oui', 'non'], { message: 'attendu : auto, oui ou non' }).default('auto'),
  /** Where demo data finds public files to import (postcode base, places): ../shared/data in this repository's layout. */
  DEMO_DATA_DIR: z.string().min(1).default('../shared/data'),
  /** OpenID Connect for professionals (ProConnect in production): issuer URL. */
  OIDC_PRO_ISSUER: z.url({ message: "attendu : l'adresse de l'émetteur OpenID Connect" }).optional(),
  OIDC_PRO_CLIENT_ID: z.string().min(1).optional(),
  OIDC_PRO_CLIENT_SECRET: z.string().min(1).optional(),
  /** Label of the login button, e.g. ProConnect. */
  OIDC_PRO_LABEL: z.string().min(1).default('ProConnect'),
  /** OpenID Connect for usagers (FranceConnect in production, mandates): issuer URL. Unset in development: a local provider with fictional identities at /dev/franceconnect. */
  OIDC_FC_ISSUER: z.url({ message: "attendu : l'adresse de l'émetteur OpenID Connect" }).optional(),
  OIDC_FC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_FC_CLIENT_SECRET: z.string().min(1).optional(),
  /** Label of the usager's identification button. */
  OIDC_FC_LABEL: z.string().min(1).default('FranceConnect'),
});

export interface OidcProviderConfig {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly label: string;
}

export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly port: number;
  readonly host: string;
  readonly publicUrl: string;
  readonly database:
    | { readonly engine: 'pglite'; readonly dataDir: string }
    | { readonly engine: 'postgresql'; readonly url: string; readonly poolSize: number };
  readonly dataDir: string;
  readonly secretKey: string;
  readonly smtpUrl: string | undefined;
  readonly mailFrom: string;
  readonly operatorName: string;
  readonly stateBrand: boolean;
  readonly logLevel: string;
  readonly trustProxy: boolean;
  readonly rateLimits: {
    readonly login: number;
    readonly publicApi: number;
    readonly signInFailuresPerAccount: number;
    readonly signInFailuresPerAddress: number;
    readonly voucherChecksPerMinute: number;
  };
  readonly session: { readonly idleMinutes: number; readonly maxHours: number };
  readonly uploadMaxBytes: number;
  readonly demoData: 'auto' | 'oui' | 'non';
  readonly demoDataDir: string;
  readonly oidcPro: OidcProviderConfig | undefined;
  /** FranceConnect (usagers' identity for mandates). */
  readonly oidcUsager: OidcProviderConfig | undefined;
  readonly version: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

function readVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    return String(pkg.version);
  } catch {
    return '0.0.0';
  }
}

/** A stable development secret kept under DATA_DIR so sessions survive restarts. */
function developmentSecret(dataDir: string): string {
  const file = path.join(dataDir, 'secret-key');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<Config> = {}): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  - ${i.path.join('.')} : ${i.message}`);
    throw new ConfigError(
      `Configuration invalide :\n${lines.join('\n')}\nCorrigez ces variables d'environnement (voir .env.example).`,
    );
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.DATA_DIR);
  const production = e.NODE_ENV === 'production';
  if (production && !e.SECRET_KEY) {
    throw new ConfigError('SECRET_KEY est obligatoire en production : générez-en une avec « openssl rand -hex 32 ».');
  }
  if (production && !e.SMTP_URL) {
    throw new ConfigError(
      'SMTP_URL est obligatoire en production (sinon aucun e-mail ne partirait) : par exemple smtp://utilisateur:motdepasse@smtp.example.fr:587.',
    );
  }
  if (production && !e.PUBLIC_URL) {
    throw new ConfigError(
      "PUBLIC_URL est obligatoire en production : l'adresse publique du service, par exemple https://passerelle.example.fr.",
    );
  }
  const oidcParts = [e.OIDC_PRO_ISSUER, e.OIDC_PRO_CLIENT_ID, e.OIDC_PRO_CLIENT_SECRET];
  if (oidcParts.some(Boolean) && !oidcParts.every(Boolean)) {
    throw new ConfigError(
      'Connexion OpenID Connect incomplète : renseignez ensemble OIDC_PRO_ISSUER, OIDC_PRO_CLIENT_ID et OIDC_PRO_CLIENT_SECRET (ou aucune des trois).',
    );
  }
  const fcParts = [e.OIDC_FC_ISSUER, e.OIDC_FC_CLIENT_ID, e.OIDC_FC_CLIENT_SECRET];
  if (fcParts.some(Boolean) && !fcParts.every(Boolean)) {
    throw new ConfigError(
      'FranceConnect incomplet : renseignez ensemble OIDC_FC_ISSUER, OIDC_FC_CLIENT_ID et OIDC_FC_CLIENT_SECRET (ou aucune des trois).',
    );
  }
  const config: Config = {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    database: e.DATABASE_URL
      ? { engine: 'postgresql', url: e.DATABASE_URL, poolSize: e.DATABASE_POOL_SIZE }
      : { engine: 'pglite', dataDir: path.join(dataDir, 'pglite') },
    dataDir,
    secretKey: e.SECRET_KEY ?? developmentSecret(dataDir),
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    operatorName: e.OPERATOR_NAME,
    stateBrand: e.STATE_BRAND,
    logLevel: e.LOG_LEVEL,
    trustProxy: e.TRUST_PROXY,
    rateLimits: {
      login: e.RATE_LIMIT_LOGIN,
      publicApi: e.RATE_LIMIT_PUBLIC_API,
      signInFailuresPerAccount: e.SIGN_IN_FAILURES_PER_ACCOUNT,
      signInFailuresPerAddress: e.SIGN_IN_FAILURES_PER_ADDRESS,
      voucherChecksPerMinute: e.VOUCHER_CHECKS_PER_MINUTE,
    },
    session: { idleMinutes: e.SESSION_IDLE_MINUTES, maxHours: e.SESSION_MAX_HOURS },
    uploadMaxBytes: e.UPLOAD_MAX_MB * 1024 * 1024,
    demoData: e.DEMO_DATA,
    demoDataDir: path.resolve(e.DEMO_DATA_DIR),
    oidcPro:
      e.OIDC_PRO_ISSUER && e.OIDC_PRO_CLIENT_ID && e.OIDC_PRO_CLIENT_SECRET
        ? {
            issuer: e.OIDC_PRO_ISSUER,
            clientId: e.OIDC_PRO_CLIENT_ID,
            clientSecret: e.OIDC_PRO_CLIENT_SECRET,
            label: e.OIDC_PRO_LABEL,
          }
        : undefined,
    oidcUsager:
      e.OIDC_FC_ISSUER && e.OIDC_FC_CLIENT_ID && e.OIDC_FC_CLIENT_SECRET
        ? {
            issuer: e.OIDC_FC_ISSUER,
            clientId: e.OIDC_FC_CLIENT_ID,
            clientSecret: e.OIDC_FC_CLIENT_SECRET,
            label: e.OIDC_FC_LABEL,
          }
        : undefined,
    version: readVersion(),
    ...overrides,
  };
  return Object.freeze(config);
}
