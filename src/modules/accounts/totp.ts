/**
 * Time-based one-time passwords (RFC 6238) through otpauth, and single-use recovery codes.
 */
import { randomInt } from 'node:crypto';
import * as OTPAuth from 'otpauth';
import QRCode from 'qrcode';
import { sha256 } from '../../platform/crypto.ts';

const PERIOD = 30;

export function newTotpSecret(): string {
  return new OTPAuth.Secret({ size: 20 }).base32;
}

function totp(secret: string, issuer: string, label: string) {
  return new OTPAuth.TOTP({
    issuer,
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: PERIOD,
    secret: OTPAuth.Secret.fromBase32(secret),
  });
}

export function totpUri(secret: string, issuer: string, email: string): string {
  return totp(secret, issuer, email).toString();
}

export async function totpQrSvgDataUrl(uri: string): Promise<string> {
  const svg = await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}

/** The time step the code belongs to (±1 step of tolerance), or undefined if wrong. */
export function matchTotp(secret: string, code: string, at: Date): number | undefined {
  const token = code.replace(/\s/g, '');
  if (!/^\d{6}$/.test(token)) return undefined;
  const delta = totp(secret, 'x', 'x').validate({ token, timestamp: at.getTime(), window: 1 });
  if (delta === null) return undefined;
  return Math.floor(at.getTime() / 1000 / PERIOD) + delta;
}

export function currentTotp(secret: string, at: Date): string {
  return totp(secret, 'x', 'x').generate({ timestamp: at.getTime() });
}

const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export function newRecoveryCodes(count = 10): string[] {
  return Array.from({ length: count }, () => {
    const chars = Array.from({ length: 10 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
}

export function hashRecoveryCode(code: string): string {
  return sha256(code.toUpperCase().replace(/[^0-9A-Z]/g, ''));
}

export function looksLikeRecoveryCode(input: string): boolean {
  return /^[0-9A-Za-z]{5}-?[0-9A-Za-z]{5}$/.test(input.trim());
}

export function formatSecretForHumans(secret: string): string {
  return secret.replace(/(.{4})/g, '$1 ').trim();
}
