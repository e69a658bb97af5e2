/**
 * Pure rules of a mandate: durations, validity, renewal (Aidants Connect hole #697), the signed
 * public reference, the usager's identity kept from FranceConnect, initials.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { safeEqual } from '../../platform/crypto.ts';
import { FRANCECONNECT_CLAIMS } from '../../platform/identity/registry.ts';

export const DURATIONS = {
  jour: { days: 1, label: '1 jour' },
  mois: { days: 31, label: '1 mois' },
  semestre: { days: 182, label: '6 mois' },
  annee: { days: 365, label: '12 mois' },
} as const;
export type Duration = keyof typeof DURATIONS;
export const isDuration = (v: string): v is Duration => Object.hasOwn(DURATIONS, v);

export function expiryOf(duration: Duration, from: Date): Date {
  return new Date(from.getTime() + DURATIONS[duration].days * 86_400_000);
}

export interface MandateState {
  expiresAt: Date;
  revokedAt: Date | null;
  authorisations: ReadonlyArray<{ family: string; revokedAt: Date | null }>;
}

/** The families usable now: not expired, not revoked, per family. */
export function activeFamilies(m: MandateState, now: Date): string[] {
  if (m.revokedAt || m.expiresAt.getTime() <= now.getTime()) return [];
  return m.authorisations.filter((a) => !a.revokedAt).map((a) => a.family);
}

export function isValidNow(m: MandateState, now: Date): boolean {
  return activeFamilies(m, now).length > 0;
}

/** Fully revoked: the whole mandate, or every family one by one. */
export function isRevoked(m: MandateState): boolean {
  return m.revokedAt !== null || m.authorisations.every((a) => a.revokedAt !== null);
}

/**
 * Renewable without a new identity check: not revoked, and running or expired less than 365
 * days ago. Anything else needs a new mandate (hole #697: the renew URL typed by hand).
 */
export function isRenewable(m: MandateState, now: Date): boolean {
  if (isRevoked(m)) return false;
  return now.getTime() - m.expiresAt.getTime() < 365 * 86_400_000;
}

const ALPHABET = 'ABCDEFGHJKMNPQRSTVWXYZ23456789';

function randomCode(length: number): string {
  const bytes = randomBytes(length);
  return Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]).join('');
}

function mac(secretKey: string, reference: string): string {
  const digest = createHmac('sha256', createHmac('sha256', secretKey).update('passerelle/mandats/reference').digest())
    .update(reference)
    .digest();
  return Array.from(digest.subarray(0, 12), (b) => ALPHABET[b % ALPHABET.length]).join('');
}

/** A new random reference (about 98 bits): what the database keeps. */
export function newReference(): string {
  return randomCode(20);
}

/** The public reference printed on the attestation: the reference and its MAC. */
export function signedReference(secretKey: string, reference: string): string {
  return `${reference}-${mac(secretKey, reference)}`;
}

/** The reference inside a public one, or undefined if forged or altered. */
export function checkSignedReference(secretKey: string, value: string): string | undefined {
  const m = /^([A-Z0-9]{20})-([A-Z0-9]{12})$/.exec(value.trim().toUpperCase());
  if (!m) return undefined;
  return safeEqual(mac(secretKey, m[1] as string), m[2] as string) ? m[1] : undefined;
}

export interface UsagerIdentity {
  givenName: string;
  familyName: string;
  birthdate: string;
  gender: string | null;
  birthplace: string | null;
  birthcountry: string | null;
  email: string | null;
}

const BIRTHDATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Only what the law needs, from the provider's claims (FRANCECONNECT_CLAIMS); everything else is
 * dropped. `YYYY-MM-00` and `YYYY-00-00` are accepted (unknown day or month).
 */
export function identityFromClaims(claims: Record<string, unknown>): UsagerIdentity | undefined {
  const kept: Record<string, string> = {};
  for (const name of FRANCECONNECT_CLAIMS) {
    const v = claims[name];
    if (typeof v === 'string' && v.length <= 256 && !v.includes('\u0000')) kept[name] = v.trim();
  }
  const birth = BIRTHDATE.exec(kept.birthdate ?? '');
  if (!kept.given_name || !kept.family_name || !birth) return undefined;
  const [month, day] = [Number(birth[2]), Number(birth[3])];
  if (month > 12 || day > 31 || (month === 0 && day !== 0)) return undefined;
  return {
    givenName: kept.given_name,
    familyName: kept.family_name,
    birthdate: kept.birthdate as string,
    gender: kept.gender ?? null,
    birthplace: kept.birthplace || null,
    birthcountry: kept.birthcountry ?? null,
    email: kept.email ?? null,
  };
}

/** The provider's subject, keyed-hashed: the same person gives the same hash, the raw subject is never kept. */
export function subjectHash(secretKey: string, issuer: string, sub: string): string {
  const key = createHmac('sha256', secretKey).update('passerelle/mandats/subject').digest();
  return createHmac('sha256', key).update(`${issuer}\u0000${sub}`).digest('hex');
}

/** « A. C. L. D. » → the initials of the first given name and the family name: « A. D. ». */
export function initialsOf(givenName: string, familyName: string): string {
  const first = (s: string) => (s.trim().normalize('NFD').replace(/\p{M}/gu, '')[0] ?? '?').toUpperCase();
  return `${first(givenName)}. ${first(familyName)}.`;
}
