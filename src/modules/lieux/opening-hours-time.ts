/**
 * Paris wall-clock arithmetic and French wording for opening hours.
 *
 * Times are handled as "wall minutes": minutes since 1970-01-01 00:00 of the Paris calendar,
 * ignoring UTC offsets (day number × 1440 + minute of the day). The opening_hours library reads
 * the local fields of JavaScript Dates, so we hand it Dates whose local fields equal the Paris
 * wall time, whatever the process time zone, and read its answers back through the same fields.
 */
import { MONTH_NAMES } from '../../platform/print/index.ts';

export const DAY_MINUTES = 1440;
export const WEEK_MINUTES = 7 * DAY_MINUTES;
const DAY_MS = 86_400_000;

export const DAY_NAMES = ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche'] as const;

const parisFormat = new Intl.DateTimeFormat('en-US', {
  timeZone: 'Europe/Paris',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
  hourCycle: 'h23',
});

/** Wall time in Paris of an instant: day number (days since 1970-01-01), minute of the day, seconds. */
export interface ParisWall {
  day: number;
  minute: number;
  second: number;
  millisecond: number;
}

export function parisWall(at: Date): ParisWall {
  const fields: Record<string, number> = {};
  for (const part of parisFormat.formatToParts(at)) {
    if (part.type !== 'literal') fields[part.type] = Number(part.value);
  }
  const year = fields.year ?? 1970;
  const month = fields.month ?? 1;
  const date = fields.day ?? 1;
  const hour = (fields.hour ?? 0) % 24;
  return {
    day: Math.floor(Date.UTC(year, month - 1, date) / DAY_MS),
    minute: hour * 60 + (fields.minute ?? 0),
    second: fields.second ?? 0,
    millisecond: ((at.getTime() % 1000) + 1000) % 1000,
  };
}

/** Monday = 0 … Sunday = 6 for a day number (1970-01-01 was a Thursday). */
export function weekdayIndex(day: number): number {
  return (((day + 3) % 7) + 7) % 7;
}

/** Minutes since Monday 00:00 in Paris for a given instant (for the SQL "open now" filter). */
export function minuteOfWeekInParis(at: Date): number {
  const wall = parisWall(at);
  return weekdayIndex(wall.day) * DAY_MINUTES + wall.minute;
}

/** A Date whose local fields are the given wall time (what the opening_hours library reads). */
export function localDate(wallMinutes: number, second = 0, millisecond = 0): Date {
  const day = Math.floor(wallMinutes / DAY_MINUTES);
  const minute = wallMinutes - day * DAY_MINUTES;
  const utc = new Date(day * DAY_MS);
  return new Date(
    utc.getUTCFullYear(),
    utc.getUTCMonth(),
    utc.getUTCDate(),
    Math.floor(minute / 60),
    minute % 60,
    second,
    millisecond,
  );
}

/** Wall minutes read from the local fields of a Date produced by the library (seconds dropped). */
export function wallMinutesOf(date: Date): number {
  const day = Date.UTC(date.getFullYear(), date.getMonth(), date.getDate()) / DAY_MS;
  return day * DAY_MINUTES + date.getHours() * 60 + date.getMinutes();
}

/** « 9 h », « 9 h 30 », « 12 h 05 », « 0 h »; 24:00 is « minuit ». */
export function formatTime(minuteOfDay: number): string {
  if (minuteOfDay >= DAY_MINUTES) return 'minuit';
  const hours = Math.floor(minuteOfDay / 60);
  const minutes = minuteOfDay % 60;
  return minutes === 0 ? `${hours} h` : `${hours} h ${String(minutes).padStart(2, '0')}`;
}

/** « a », « a et b », « a, b et c ». */
export function joinFrench(items: readonly string[]): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} et ${items[items.length - 1]}`;
}

/** « le 3 janvier », « le 1er mai » (with the year when asked). */
export function dateLabel(day: number, withYear = false): string {
  const date = new Date(day * DAY_MS);
  const dayOfMonth = date.getUTCDate();
  const year = withYear ? ` ${date.getUTCFullYear()}` : '';
  return `le ${dayOfMonth === 1 ? '1er' : dayOfMonth} ${MONTH_NAMES[date.getUTCMonth()]}${year}`;
}

/**
 * How to name a day relative to today: 'aujourd'hui', 'demain', a weekday name within the next
 * six days, otherwise a date (« le 3 janvier »).
 */
export function relativeDay(day: number, today: number): string {
  const diff = day - today;
  if (diff === 0) return "aujourd'hui";
  if (diff === 1) return 'demain';
  if (diff > 1 && diff <= 6) return DAY_NAMES[weekdayIndex(day)] ?? '';
  return dateLabel(day, Math.abs(diff) > 300);
}

/** Splits wall minutes into a day and a time; an instant at 00:00 can be read as the previous day's midnight. */
export function splitWall(wallMinutes: number, midnightAsPreviousDay: boolean): { day: number; minute: number } {
  let day = Math.floor(wallMinutes / DAY_MINUTES);
  let minute = wallMinutes - day * DAY_MINUTES;
  if (midnightAsPreviousDay && minute === 0) {
    day -= 1;
    minute = DAY_MINUTES;
  }
  return { day, minute };
}
