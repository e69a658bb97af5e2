/**
 * « Today » means today in Paris, for everyone: a voucher valid until the 31st is valid all
 * that day in France, a statement covers a Paris calendar month, a place edited at 00:30 on
 * the 1st was edited on the 1st. Never take a date from `toISOString()` (UTC): between
 * midnight and 01:00 or 02:00 in Paris it is still yesterday in UTC.
 */
import type { Clock } from '../clock.ts';

export const PARIS_TIME_ZONE = 'Europe/Paris';
const DAY_MS = 86_400_000;

// en-CA writes dates as YYYY-MM-DD. Made once: building a formatter is the costly part.
const isoDateInParis = new Intl.DateTimeFormat('en-CA', {
  timeZone: PARIS_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});
const timeInParis = new Intl.DateTimeFormat('en-GB', {
  timeZone: PARIS_TIME_ZONE,
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

// Paris is a whole number of hours from UTC, so its date only changes on a minute boundary:
// the date of the last minute asked for is kept (formatting is costly on a hot path).
let lastMinute = Number.NaN;
let lastDate = '';

/** The Paris calendar date of an instant, as 'YYYY-MM-DD'. */
export function parisDate(at: Date): string {
  const minute = Math.floor(at.getTime() / 60_000);
  if (minute !== lastMinute) {
    lastDate = isoDateInParis.format(at);
    lastMinute = minute;
  }
  return lastDate;
}

/** Today's date in Paris by the application's clock, as 'YYYY-MM-DD'. */
export function parisToday(clock: Clock): string {
  return parisDate(clock());
}

/** The first day of the Paris month of an instant, as 'YYYY-MM-01'. */
export function parisMonth(at: Date): string {
  return `${parisDate(at).slice(0, 7)}-01`;
}

/** 'HH:MM' in Paris. */
export function parisTime(at: Date): string {
  return timeInParis.format(at);
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Whether a string is a real calendar date written 'YYYY-MM-DD' (no 30 February). */
export function isIsoDate(value: string): boolean {
  const m = ISO_DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

function checkIsoDate(value: string): void {
  if (!isIsoDate(value)) throw new RangeError(`not a YYYY-MM-DD date: "${value}"`);
}

/** A calendar date plus (or minus) a number of days: '2026-12-31' + 1 → '2027-01-01'. */
export function addDays(isoDate: string, days: number): string {
  checkIsoDate(isoDate);
  return new Date(Date.parse(`${isoDate}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** The first day of the month after a date's month: '2026-12-15' → '2027-01-01'. */
export function nextMonth(isoDate: string): string {
  checkIsoDate(isoDate);
  const [y, m] = isoDate.split('-').map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
}

/**
 * The instant a Paris calendar day starts. Paris changes its offset at 02:00 or 03:00, never at
 * midnight, so midnight is UTC+1 in winter and UTC+2 in summer, and exists every day.
 */
export function parisMidnight(isoDate: string): Date {
  checkIsoDate(isoDate);
  const utcMidnight = Date.parse(`${isoDate}T00:00:00Z`);
  for (const offsetHours of [1, 2]) {
    const at = new Date(utcMidnight - offsetHours * 3600_000);
    if (parisDate(at) === isoDate && parisTime(at) === '00:00') return at;
  }
  throw new Error(`no Paris midnight found for ${isoDate}`);
}
