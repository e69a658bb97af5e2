/**
 * French as people read it, the same on pages, in e-mails and on paper: dates, months,
 * amounts in euros, phone numbers. Non-breaking spaces keep « 10 € » and « 1er janvier »
 * together on a narrow screen and on a printed line.
 */
import { isIsoDate, parisDate, parisTime } from './paris-time.ts';

export const MONTH_NAMES = [
  'janvier',
  'février',
  'mars',
  'avril',
  'mai',
  'juin',
  'juillet',
  'août',
  'septembre',
  'octobre',
  'novembre',
  'décembre',
] as const;

const NBSP = '\u00a0';

/**
 * '2026-12-31' or an instant → « 31 décembre 2026 » (the Paris date of an instant); the first
 * day of a month is « 1er ». Throws RangeError on an impossible date.
 */
export function formatDate(value: Date | string): string {
  const iso = typeof value === 'string' ? value : parisDate(value);
  if (!isIsoDate(iso)) throw new RangeError(`not a YYYY-MM-DD date: "${iso}"`);
  const [year, month, day] = iso.split('-').map(Number) as [number, number, number];
  return `${day === 1 ? '1er' : day}${NBSP}${MONTH_NAMES[month - 1]} ${year}`;
}

/** An instant in Paris: « 10 novembre 2026 à 10:05 ». */
export function formatDateTime(at: Date): string {
  return `${formatDate(at)} à ${parisTime(at)}`;
}

/** A month, given by any of its dates: '2026-11-01' → « novembre 2026 ». */
export function formatMonth(isoDate: string): string {
  if (!isIsoDate(isoDate)) throw new RangeError(`not a YYYY-MM-DD date: "${isoDate}"`);
  const [year, month] = isoDate.split('-').map(Number) as [number, number];
  return `${MONTH_NAMES[month - 1]} ${year}`;
}

// Building an Intl formatter costs far more than using one: they are made once.
const wholeEuros = new Intl.NumberFormat('fr-FR', { minimumFractionDigits: 0, maximumFractionDigits: 0 });
const euroCents = new Intl.NumberFormat('fr-FR', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/**
 * The one way to write an amount: cents in, « 10 € », « 12,50 € », « 1 500 € » out (thousands
 * separated by a narrow no-break space, a no-break space before €). `alwaysCents` writes
 * « 10,00 € » (statements, where amounts line up). Throws RangeError unless given whole cents.
 */
export function formatEuros(cents: number, options: { alwaysCents?: boolean } = {}): string {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`not an amount in cents: ${cents}`);
  const format = options.alwaysCents || cents % 100 !== 0 ? euroCents : wholeEuros;
  return `${format.format(cents / 100)}${NBSP}€`;
}

/** Numbers of the French overseas departments and territories that have their own country code. */
const OVERSEAS = /^\+(590|594|262|596|269|687|689|508|681)(\d+)$/;

/** Digits and a leading +, nothing else: '04.94.36.00.85' → '0494360085'. */
function compact(phone: string): string {
  return phone.trim().replace(/(?!^\+)[^\d]/g, '');
}

/**
 * A phone number as French people write it: « 04 94 36 00 85 ». Accepts the international
 * form of the standard (+33494360085) and national forms with dots, spaces or dashes; an
 * overseas number keeps its country code (« +262 2 62 … »); anything else is returned as given.
 */
export function formatPhone(phone: string): string {
  const c = compact(phone);
  const metropolitan = /^(?:\+33|0033|0)([1-9]\d{8})$/.exec(c);
  if (metropolitan) return `0${metropolitan[1]}`.replace(/(\d{2})(?=\d)/g, '$1 ');
  const overseas = OVERSEAS.exec(c);
  if (overseas) return `+${overseas[1]} ${(overseas[2] as string).replace(/(\d{2})(?=\d)/g, '$1 ')}`;
  return phone;
}

/** The `tel:` link of a phone number (international form when it is French), or undefined. */
export function telUri(phone: string): string | undefined {
  const c = compact(phone);
  const metropolitan = /^(?:\+33|0033|0)([1-9]\d{8})$/.exec(c);
  if (metropolitan) return `tel:+33${metropolitan[1]}`;
  if (/^\+\d{6,15}$/.test(c)) return `tel:${c}`;
  return undefined;
}
