/**
 * Opening hours of the « lieux de médiation numérique » (OpenStreetMap `opening_hours` syntax),
 * evaluated in Europe/Paris time whatever the server's time zone, and described in plain French.
 * Pure: the caller passes the current instant. Never throws on malformed input.
 */
import OpeningHours, { type nominatim_object } from 'opening_hours';
import {
  DAY_MINUTES,
  DAY_NAMES,
  formatTime,
  joinFrench,
  localDate,
  parisWall,
  relativeDay,
  splitWall,
  WEEK_MINUTES,
  wallMinutesOf,
  weekdayIndex,
} from './opening-hours-time.ts';

export { minuteOfWeekInParis } from './opening-hours-time.ts';

export interface DaySchedule {
  /** 'lundi' … 'dimanche' */
  day: string;
  /** 'de 9 h à 12 h et de 14 h à 17 h 30' or 'fermé' */
  text: string;
}

export interface HoursView {
  raw: string;
  /** false: malformed — show raw as written. */
  valid: boolean;
  /** null when unknown (invalid, or only comments / `unknown` rules at this moment). */
  openNow: boolean | null;
  status: string;
  /** 'Ouvert aujourd'hui de 9 h à 12 h', 'Fermé aujourd'hui', « Aujourd'hui : sur rendez-vous »; '' when invalid. */
  today: string;
  /** The 7 days starting Monday of the current week, null if invalid. */
  week: DaySchedule[] | null;
}

const UNKNOWN_STATUS = 'Horaires à confirmer';

/**
 * Where the rules are evaluated: France, Île-de-France for school holidays (SH). Public holidays
 * (PH) are the national ones. No coordinates on purpose: sunrise/sunset then use the library's
 * fixed defaults instead of solar times computed in the process time zone.
 */
export const FRANCE_FOR_OPENING_HOURS = {
  address: { country_code: 'fr', state: 'Île-de-France' },
} as unknown as nominatim_object;

const parsed = new Map<string, OpeningHours | null>();

function parse(raw: string | null | undefined): OpeningHours | null {
  const value = raw?.trim() ?? '';
  if (value === '') return null;
  const cached = parsed.get(value);
  if (cached !== undefined) return cached;
  let result: OpeningHours | null = null;
  try {
    result = new OpeningHours(value, FRANCE_FOR_OPENING_HOURS);
  } catch {
    result = null;
  }
  if (parsed.size >= 2000) parsed.clear();
  parsed.set(value, result);
  return result;
}

export function isValidOpeningHours(raw: string): boolean {
  return parse(raw) !== null;
}

/** Wall-clock Date (local fields = Paris time) for an instant. */
function parisLocalDate(at: Date): Date {
  const wall = parisWall(at);
  return localDate(wall.day * DAY_MINUTES + wall.minute, wall.second, wall.millisecond);
}

export function isOpenAt(raw: string | null | undefined, at: Date): boolean | null {
  const oh = parse(raw);
  if (!oh) return null;
  try {
    const date = parisLocalDate(at);
    return oh.getUnknown(date) ? null : oh.getState(date);
  } catch {
    return null;
  }
}

/** An open (or unknown) stretch, in Paris wall minutes since 1970-01-01 00:00. */
interface Span {
  start: number;
  end: number;
  unknown: boolean;
  comment: string | undefined;
}

function spans(oh: OpeningHours, from: number, to: number): Span[] {
  const out: Span[] = [];
  for (const [startDate, endDate, unknown, rawComment] of oh.getOpenIntervals(localDate(from), localDate(to))) {
    const start = wallMinutesOf(startDate);
    const end = wallMinutesOf(endDate);
    const comment = rawComment?.trim() || undefined;
    if (end <= start) continue;
    const last = out[out.length - 1];
    if (last && last.end >= start && last.unknown === unknown && last.comment === comment) {
      last.end = Math.max(last.end, end);
    } else {
      out.push({ start, end, unknown, comment });
    }
  }
  return out;
}

function mergeIntervals(intervals: Array<[number, number]>): Array<[number, number]> {
  const sorted = [...intervals].sort((a, b) => a[0] - b[0]);
  const out: Array<[number, number]> = [];
  for (const [start, end] of sorted) {
    const last = out[out.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else out.push([start, end]);
  }
  return out;
}

function intersect(a: Array<[number, number]>, b: Array<[number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const [aStart, aEnd] of a) {
    for (const [bStart, bEnd] of b) {
      const start = Math.max(aStart, bStart);
      const end = Math.min(aEnd, bEnd);
      if (start < end) out.push([start, end]);
    }
  }
  return mergeIntervals(out);
}

/**
 * Mondays of the reference weeks (2026): no public holiday, no school holiday in any zone, no
 * daylight-saving change (Europe or North America), odd and even ISO weeks, every season.
 */
const REFERENCE_MONDAYS = ['2026-01-12', '2026-03-16', '2026-06-08', '2026-09-21', '2026-11-16'].map(
  (date) => Date.parse(`${date}T00:00:00Z`) / 86_400_000,
);

/**
 * Opening intervals of a typical week, in minutes since Monday 00:00 Paris time (0…10080), merged
 * and sorted — used to index "open now" in SQL. null if invalid. Only certainly-open time counts
 * (unknown / comment-only stretches do not); rules that vary from week to week (week numbers,
 * months, school holidays) keep only what is open in every reference week.
 */
export function weeklyIntervals(raw: string | null | undefined): Array<[number, number]> | null {
  const oh = parse(raw);
  if (!oh) return null;
  try {
    const mondays = oh.isWeekStable() ? REFERENCE_MONDAYS.slice(0, 1) : REFERENCE_MONDAYS;
    let result: Array<[number, number]> | null = null;
    for (const monday of mondays) {
      const start = monday * DAY_MINUTES;
      const week = mergeIntervals(
        spans(oh, start, start + WEEK_MINUTES)
          .filter((span) => !span.unknown)
          .map((span): [number, number] => [span.start - start, span.end - start]),
      );
      result = result ? intersect(result, week) : week;
    }
    return result ?? [];
  } catch {
    return null;
  }
}

/** An « unknown » stretch worth describing with its times (e.g. `Mo 14:00-17:00 "sur rendez-vous"`). */
function isTimedUnknown(span: Span, all: Span[]): boolean {
  if (span.end - span.start >= DAY_MINUTES || span.start % DAY_MINUTES === 0) return false;
  return !all.some((other) => !other.unknown && (other.end === span.start || other.start === span.end));
}

interface Item {
  text: string;
  note: string | undefined;
  open: boolean;
}

/** What a day looks like; `nowMinute` (today only) adds a night opening still running from yesterday. */
function describeDay(all: Span[], day: number, nowMinute?: number): { text: string; open: boolean } {
  const dayStart = day * DAY_MINUTES;
  const dayEnd = dayStart + DAY_MINUTES;
  const items: Item[] = [];
  const notes: string[] = [];
  for (const span of all) {
    if (span.end <= dayStart || span.start >= dayEnd) continue;
    const from = Math.max(span.start, dayStart) - dayStart;
    const to = Math.min(span.end, dayEnd) - dayStart;
    const fullDay = from === 0 && to === DAY_MINUTES;
    const continuation = !fullDay && span.start < dayStart && span.start > dayStart - DAY_MINUTES;
    const note = span.unknown ? (span.comment ?? 'à confirmer') : span.comment;
    if (span.unknown && !isTimedUnknown(span, all)) {
      if (!notes.includes(note ?? '')) notes.push(note ?? '');
      continue;
    }
    if (continuation) {
      if (nowMinute !== undefined && nowMinute < to) {
        items.push({ text: `jusqu'à ${formatTime(to)}`, note, open: !span.unknown });
      }
      continue;
    }
    if (fullDay) {
      items.push({ text: '24 h sur 24', note, open: !span.unknown });
      continue;
    }
    const crossing = span.end > dayEnd && span.end < dayEnd + DAY_MINUTES;
    const end = crossing ? span.end - dayEnd : to;
    items.push({ text: `de ${formatTime(from)} à ${formatTime(end)}`, note, open: !span.unknown });
  }
  const firstNote = items[0]?.note;
  const sharedNote = items.length > 1 && firstNote !== undefined && items.every((item) => item.note === firstNote);
  const parts = items.map((item) => (sharedNote || !item.note ? item.text : `${item.text} (${item.note})`));
  let text = joinFrench(parts);
  if (sharedNote) text += ` (${firstNote})`;
  if (notes.length > 0) text = text ? `${text}, sinon ${notes.join(', ')}` : notes.join(', ');
  return { text: text || 'fermé', open: items.some((item) => item.open) };
}

/** « 12 h », « minuit », « demain 2 h », « vendredi 18 h », « au 3 janvier 9 h » (after « jusqu'à »). */
function untilPhrase(end: number, today: number): string {
  const { day, minute } = splitWall(end, true);
  const when = relativeDay(day, today);
  if (day === today) return `jusqu'à ${formatTime(minute)}`;
  if (when.startsWith('le ')) return `jusqu'au ${when.slice(3)} ${formatTime(minute)}`;
  return `jusqu'à ${when} ${formatTime(minute)}`;
}

function invalidView(raw: string): HoursView {
  return { raw, valid: false, openNow: null, status: UNKNOWN_STATUS, today: '', week: null };
}

export function describeHours(raw: string | null | undefined, now: Date): HoursView | null {
  const value = raw?.trim() ?? '';
  if (value === '') return null;
  const oh = parse(value);
  if (!oh) return invalidView(value);
  try {
    const wall = parisWall(now);
    const today = wall.day;
    const nowWall = today * DAY_MINUTES + wall.minute;
    const nowDate = localDate(nowWall, wall.second, wall.millisecond);
    const unknown = oh.getUnknown(nowDate);
    const openNow = unknown ? null : oh.getState(nowDate);

    const fetchStart = (today - 8) * DAY_MINUTES;
    const fetchEnd = (today + 10) * DAY_MINUTES;
    const around = spans(oh, fetchStart, fetchEnd);

    let status: string;
    if (openNow === null) {
      const comment = oh.getComment(nowDate)?.trim();
      status = comment ? `${UNKNOWN_STATUS} (${comment})` : UNKNOWN_STATUS;
    } else if (openNow) {
      const known = mergeIntervals(around.filter((s) => !s.unknown).map((s): [number, number] => [s.start, s.end]));
      const current = known.find(([start, end]) => start <= nowWall && nowWall < end);
      const comment = oh.getComment(nowDate)?.trim();
      const suffix = comment ? ` (${comment})` : '';
      if (!current) status = `Ouvert maintenant${suffix}`;
      else if (current[1] >= fetchEnd) status = `Ouvert 24 h sur 24${suffix}`;
      else status = `Ouvert maintenant, ${untilPhrase(current[1], today)}${suffix}`;
    } else {
      let next = around.find((span) => span.start > nowWall);
      if (!next) next = spans(oh, fetchEnd, (today + 367) * DAY_MINUTES)[0];
      if (!next) status = 'Fermé';
      else {
        const { day, minute } = splitWall(next.start, false);
        const note = next.unknown ? (next.comment ?? 'à confirmer') : next.comment;
        status = `Fermé, ouvre ${relativeDay(day, today)} à ${formatTime(minute)}${note ? ` (${note})` : ''}`;
      }
    }

    const todayDescription = describeDay(around, today, wall.minute);
    const todayText = todayDescription.open
      ? `Ouvert aujourd'hui ${todayDescription.text}`
      : todayDescription.text === 'fermé'
        ? "Fermé aujourd'hui"
        : `Aujourd'hui : ${todayDescription.text}`;

    const monday = today - weekdayIndex(today);
    const week = DAY_NAMES.map((name, index) => ({ day: name, text: describeDay(around, monday + index).text }));

    return { raw: value, valid: true, openNow, status, today: todayText, week };
  } catch {
    return invalidView(value);
  }
}

/**
 * Where a place stands at an instant, as data, for a caller that words it in its own language
 * (the orientation result in French, English and Arabic). Cheaper than describeHours: it
 * looks 10 days ahead only, and describes neither today nor the week.
 */
export interface HoursState {
  /** null when unknown at this moment (only comments or `unknown` rules). */
  openNow: boolean | null;
  /** Open now: when it closes (minute 1440 = midnight of that day); null: not within 10 days. */
  closes?: HoursMoment | null;
  /** Closed now: the next opening within a year (null: none); toConfirm when that stretch is `unknown`. */
  opens?: (HoursMoment & { toConfirm: boolean }) | null;
}

/** A moment in Paris time: days after today, weekday (Monday 0), date (YYYY-MM-DD), minute of the day. */
export interface HoursMoment {
  inDays: number;
  weekday: number;
  date: string;
  minute: number;
}

function momentOf(wallMinutes: number, today: number, midnightAsPreviousDay: boolean): HoursMoment {
  const { day, minute } = splitWall(wallMinutes, midnightAsPreviousDay);
  return {
    inDays: day - today,
    weekday: weekdayIndex(day),
    date: new Date(day * 86_400_000).toISOString().slice(0, 10),
    minute,
  };
}

/** null when there are no hours or they cannot be read. */
export function hoursState(raw: string | null | undefined, now: Date): HoursState | null {
  const oh = parse(raw);
  if (!oh) return null;
  try {
    const wall = parisWall(now);
    const today = wall.day;
    const nowWall = today * DAY_MINUTES + wall.minute;
    const nowDate = localDate(nowWall, wall.second, wall.millisecond);
    if (oh.getUnknown(nowDate)) return { openNow: null };
    const horizon = nowWall + 10 * DAY_MINUTES;
    const ahead = spans(oh, nowWall, horizon);
    if (oh.getState(nowDate)) {
      const known = mergeIntervals(ahead.filter((s) => !s.unknown).map((s): [number, number] => [s.start, s.end]));
      const current = known.find(([start, end]) => start <= nowWall && nowWall < end);
      if (!current || current[1] >= horizon) return { openNow: true, closes: null };
      return { openNow: true, closes: momentOf(current[1], today, true) };
    }
    const next = ahead.find((span) => span.start > nowWall) ?? spans(oh, horizon, (today + 367) * DAY_MINUTES)[0];
    if (!next) return { openNow: false, opens: null };
    return { openNow: false, opens: { ...momentOf(next.start, today, false), toConfirm: next.unknown } };
  } catch {
    return null;
  }
}
