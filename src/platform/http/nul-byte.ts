/**
 * A NUL byte in a form (pasted from a PDF, a broken keyboard driver…) is refused — PostgreSQL
 * cannot store it — but what the person typed must not be lost with it. For a browser form
 * this builds what the 400 page needs to offer it back: the same fields, NUL removed, to resend
 * to the same path of this site with the token that came with them (so the CSRF check runs
 * again on the resend). Secrets are never echoed back: they are asked again.
 */

import { AppError } from './errors.ts';
import { safeReturnPath } from './forms.ts';

/** One field to resend: its values with NUL removed, or nothing kept for a secret. */
export interface ResendField {
  name: string;
  values: string[];
  /** A password (or its confirmation): not echoed, typed again on the 400 page. */
  secret: boolean;
  /** This field held a NUL byte. */
  hadNul: boolean;
}

export interface Resend {
  /** A path of this site (the one posted to), never another origin. */
  action: string;
  /** The CSRF token as submitted (already checked valid when this is built). */
  csrf: string;
  fields: ResendField[];
  /** Fields whose very name held a NUL byte: not resent. */
  droppedNames: number;
}

const SECRET_NAME = /pass|mdp|secret|totp|token/i;

export class NulByteError extends AppError {
  constructor(
    readonly resend?: Resend,
    nulFields: string[] = [],
  ) {
    super(
      'nul_byte',
      400,
      nulFields.length === 0
        ? 'La demande contient un caractère invalide (octet nul) : corrigez la saisie.'
        : `${nulFields.length === 1 ? `Le champ « ${nulFields[0]} » contient` : `Les champs ${nulFields.map((f) => `« ${f} »`).join(', ')} contiennent`} un caractère invalide (octet nul) : rien n'a été enregistré.`,
      Object.fromEntries(nulFields.map((f) => [f, 'contient un caractère invalide (octet nul)'])),
    );
  }
}

export function holdsNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (depth > 4 || value === null || typeof value !== 'object' || Buffer.isBuffer(value)) return false;
  return Object.entries(value as Record<string, unknown>).some(
    ([k, v]) => k.includes('\u0000') || holdsNul(v, depth + 1),
  );
}

const stripNul = (s: string) => s.replaceAll('\u0000', '');

/**
 * What to offer back for a urlencoded form `body` posted to `url`, or undefined when nothing
 * can be safely resent (the URL is not a plain path of this site, a value is not text).
 */
export function resendFor(url: string, body: unknown): Resend | undefined {
  // The path itself must be clean: a NUL there is refused without a form (it cannot be resent).
  const action = safeReturnPath(url, '');
  if (action === '' || action !== url || !body || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const entries = Object.entries(body as Record<string, unknown>);
  const csrfValue = (body as Record<string, unknown>)._csrf;
  if (typeof csrfValue !== 'string') return undefined;
  const hasPassword = entries.some(([k]) => SECRET_NAME.test(k) && k !== '_csrf');
  const fields: ResendField[] = [];
  let droppedNames = 0;
  for (const [name, raw] of entries) {
    if (name === '_csrf') continue;
    if (name.includes('\u0000')) {
      droppedNames += 1;
      continue;
    }
    const list = Array.isArray(raw) ? raw : [raw];
    if (!list.every((v): v is string => typeof v === 'string')) return undefined;
    // A password's confirmation is as secret as the password.
    const secret = SECRET_NAME.test(name) || (hasPassword && name === 'confirmation');
    fields.push({
      name,
      values: secret ? [] : list.map(stripNul),
      secret,
      hadNul: list.some((v) => v.includes('\u0000')),
    });
  }
  return { action, csrf: stripNul(csrfValue), fields, droppedNames };
}
