/**
 * The day-by-day opening-hours editor (ADR 0030): what a manager types in the form (for each day
 * a morning and an afternoon range, or closed; closed on public holidays; exceptional closure
 * dates) read from and written to the standard's `horaires` field (OpenStreetMap
 * `opening_hours`). Pure.
 *
 * Reading back is checked, not trusted: a value is opened in the day-by-day form only when the
 * value written from that form opens and closes at exactly the same instants as the original,
 * evaluated by the `opening_hours` library over more than a year. Anything else (comments,
 * school holidays, week numbers, three ranges a day, a syntax slip) opens in the expert field
 * as written: never lost, never rewritten behind the manager's back.
 */
import OpeningHours from 'opening_hours';
import { FRANCE_FOR_OPENING_HOURS } from './opening-hours.ts';

/** The standard's days, Monday first, as OpenStreetMap writes them. */
export const OSM_DAYS = ['Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa', 'Su'] as const;
export const DAY_LABELS = ['Lundi', 'Mardi', 'Mercredi', 'Jeudi', 'Vendredi', 'Samedi', 'Dimanche'] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;

/** 'HH:MM' from / to, from < to, within one day. */
export type Range = readonly [string, string];

export interface WeekHours {
  /** Seven days, Monday first: no range = closed; at most two (morning, afternoon). */
  days: Range[][];
  /** « Fermé les jours fériés » (`PH off`). */
  closedOnPublicHolidays: boolean;
  /** Exceptional closures, ISO dates, sorted. */
  closures: string[];
}

export const EMPTY_WEEK: WeekHours = {
  days: [[], [], [], [], [], [], []],
  closedOnPublicHolidays: false,
  closures: [],
};

const TIME = /^([01]\d|2[0-3]):([0-5]\d)$/;
const minutes = (t: string) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3, 5));

/** The `opening_hours` value of a week, rules grouped by identical days (« Mo-Fr 09:00-12:00,14:00-17:00 »). */
export function writeHours(week: WeekHours): string {
  const rules: string[] = [];
  const done = new Set<number>();
  for (let d = 0; d < 7; d++) {
    const ranges = week.days[d] ?? [];
    if (done.has(d) || ranges.length === 0) continue;
    const key = JSON.stringify(ranges);
    const same = [d];
    for (let e = d + 1; e < 7; e++) if (!done.has(e) && JSON.stringify(week.days[e] ?? []) === key) same.push(e);
    for (const e of same) done.add(e);
    rules.push(`${daySelector(same)} ${ranges.map(([a, b]) => `${a}-${b}`).join(',')}`);
  }
  if (week.closedOnPublicHolidays) rules.push('PH off');
  for (const date of [...week.closures].sort()) {
    const [y, m, d] = date.split('-') as [string, string, string];
    rules.push(`${y} ${MONTHS[Number(m) - 1]} ${d} off`);
  }
  return rules.join('; ');
}

/** « Mo-We,Fr »: runs of three days or more as ranges, others listed. */
function daySelector(days: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < days.length; ) {
    let j = i;
    while (j + 1 < days.length && (days[j + 1] as number) === (days[j] as number) + 1) j++;
    const first = OSM_DAYS[days[i] as number];
    const last = OSM_DAYS[days[j] as number];
    if (j - i >= 2) parts.push(`${first}-${last}`);
    else for (let k = i; k <= j; k++) parts.push(OSM_DAYS[days[k] as number] as string);
    i = j + 1;
  }
  return parts.join(',');
}

function parseDays(selector: string): number[] | null {
  const days = new Set<number>();
  for (const part of selector.split(',')) {
    const m = /^(Mo|Tu|We|Th|Fr|Sa|Su)(?:-(Mo|Tu|We|Th|Fr|Sa|Su))?$/.exec(part.trim());
    if (!m) return null;
    const a = OSM_DAYS.indexOf(m[1] as (typeof OSM_DAYS)[number]);
    const b = m[2] ? OSM_DAYS.indexOf(m[2] as (typeof OSM_DAYS)[number]) : a;
    for (let d = a; ; d = (d + 1) % 7) {
      days.add(d);
      if (d === b) break;
    }
  }
  return [...days];
}

function parseRanges(text: string): Range[] | null {
  const ranges: Range[] = [];
  for (const part of text.split(',')) {
    const m = /^(\d{2}:\d{2})-(\d{2}:\d{2})$/.exec(part.trim());
    if (!m || !TIME.test(m[1] as string) || !TIME.test(m[2] as string)) return null;
    ranges.push([m[1] as string, m[2] as string]);
  }
  // Written afternoon first (« 13:30-17:00,09:00-12:30 ») means the same: shown in day order.
  ranges.sort((x, y) => minutes(x[0]) - minutes(y[0]));
  return ranges.length >= 1 && ranges.length <= 2 && rangesInOrder(ranges) ? ranges : null;
}

function rangesInOrder(ranges: Range[]): boolean {
  for (let i = 0; i < ranges.length; i++) {
    const [a, b] = ranges[i] as Range;
    if (minutes(a) >= minutes(b)) return false;
    if (i > 0 && minutes(a) < minutes((ranges[i - 1] as Range)[1])) return false;
  }
  return true;
}

/** The subset the form can show, read rule by rule (a later rule replaces the days it names). */
function parseSubset(raw: string): WeekHours | null {
  const week: WeekHours = { days: [[], [], [], [], [], [], []], closedOnPublicHolidays: false, closures: [] };
  for (const rule of raw.split(';').map((r) => r.trim())) {
    if (rule === '') continue;
    if (/^PH (off|closed)$/.test(rule)) {
      week.closedOnPublicHolidays = true;
      continue;
    }
    const date = /^(\d{4}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{1,2}) (off|closed)$/.exec(rule);
    if (date) {
      const iso = `${date[1]}-${String(MONTHS.indexOf(date[2] as (typeof MONTHS)[number]) + 1).padStart(2, '0')}-${(date[3] as string).padStart(2, '0')}`;
      if (!isIsoDate(iso)) return null;
      if (!week.closures.includes(iso)) week.closures.push(iso);
      continue;
    }
    const m = /^(?:([A-Za-z,-]+) )?(off|closed|[\d:,-]+)$/.exec(rule);
    if (!m) return null;
    const days = m[1] === undefined ? [0, 1, 2, 3, 4, 5, 6] : parseDays(m[1]);
    if (!days) return null;
    const ranges = m[2] === 'off' || m[2] === 'closed' ? [] : parseRanges(m[2] as string);
    if (!ranges) return null;
    for (const d of days) week.days[d] = ranges;
  }
  week.closures.sort();
  return week;
}

export function isIsoDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

function openingHours(raw: string): OpeningHours | null {
  try {
    return new OpeningHours(raw, FRANCE_FOR_OPENING_HOURS);
  } catch {
    return null;
  }
}

/**
 * Whether two values open and close at the same instants from `from`: over three weeks when
 * both are plain weekly hours (they repeat every week), else over a bit more than a year (every
 * public holiday, every dated closure ahead, whatever else a rule may select).
 */
export function sameOpening(a: string, b: string, from: Date): boolean {
  const x = openingHours(a);
  const y = openingHours(b);
  if (!x || !y) return false;
  const weekly = (v: string) => /^[A-Za-z,\-\s\d:;]*$/.test(v) && !/PH|SH|week|[A-Z][a-z]{2}\b/.test(v);
  const days = weekly(a) && weekly(b) ? 21 : 400;
  const to = new Date(from.getTime() + days * 86_400_000);
  const intervals = (o: OpeningHours) =>
    o
      .getOpenIntervals(from, to)
      .map(([s, e, unknown]) => `${s.getTime()}-${e.getTime()}-${unknown ? 1 : 0}`)
      .join(' ');
  return intervals(x) === intervals(y);
}

export type ReadBack = { kind: 'week'; week: WeekHours } | { kind: 'expert'; raw: string };

/**
 * What the form opens with. `today` (ISO, Paris) drops dated closures already past from the
 * form (they no longer change anything) and starts the comparison.
 */
export function readHours(raw: string | null | undefined, today: string): ReadBack {
  const value = raw?.trim() ?? '';
  if (value === '') return { kind: 'week', week: EMPTY_WEEK };
  const week = parseSubset(value);
  if (!week) return { kind: 'expert', raw: value };
  const from = new Date(`${today}T00:00:00`);
  if (!sameOpening(value, writeHours(week), from)) return { kind: 'expert', raw: value };
  return { kind: 'week', week: { ...week, closures: week.closures.filter((d) => d >= today) } };
}

/** The form's field names for one day: jour_mo_matin_de, jour_mo_matin_a, jour_mo_apm_de, jour_mo_apm_a, jour_mo_ferme. */
export function dayField(day: number, part: 'matin_de' | 'matin_a' | 'apm_de' | 'apm_a' | 'ferme'): string {
  return `jour_${(OSM_DAYS[day] as string).toLowerCase()}_${part}`;
}
export const CLOSURE_FIELDS = [
  'fermeture_exceptionnelle_1',
  'fermeture_exceptionnelle_2',
  'fermeture_exceptionnelle_3',
];
export const MAX_CLOSURES = 12;

/** The form's values for a week (what the day-by-day fields show). */
export function weekToFields(week: WeekHours): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = {};
  week.days.forEach((ranges, d) => {
    const [morning, afternoon] = ranges;
    fields[dayField(d, 'matin_de')] = morning?.[0] ?? '';
    fields[dayField(d, 'matin_a')] = morning?.[1] ?? '';
    fields[dayField(d, 'apm_de')] = afternoon?.[0] ?? '';
    fields[dayField(d, 'apm_a')] = afternoon?.[1] ?? '';
    if (ranges.length === 0) fields[dayField(d, 'ferme')] = 'on';
  });
  if (week.closedOnPublicHolidays) fields.feries_ferme = 'on';
  fields.fermetures_exceptionnelles = week.closures;
  return fields;
}

function fieldText(form: Record<string, unknown>, name: string): string {
  const v = form[name];
  return typeof v === 'string' ? v.trim() : '';
}

function fieldList(form: Record<string, unknown>, name: string): string[] {
  const v = form[name];
  const values = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return values.filter((x): x is string => typeof x === 'string').map((x) => x.trim());
}

/** Reads « 9h », « 9:00 », « 09h30 », « 9.30 » as 'HH:MM'; undefined when unreadable. */
export function normaliseTime(value: string): string | undefined {
  const m = /^(\d{1,2})\s*(?:[h:.]\s*(\d{2})?)?$/i.exec(value.trim());
  if (!m) return undefined;
  const t = `${(m[1] as string).padStart(2, '0')}:${m[2] ?? '00'}`;
  return TIME.test(t) ? t : undefined;
}

/**
 * The week typed in the form, or the French message of each wrong field. A day is closed when
 * « Fermé » is ticked (with no time typed) or no time is typed; a range needs both ends, the first before the second;
 * the afternoon starts after the morning ends.
 */
export function weekFromForm(
  form: Record<string, unknown>,
  today: string,
): { ok: true; week: WeekHours } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const days: Range[][] = [];
  for (let d = 0; d < 7; d++) {
    const label = DAY_LABELS[d] as string;
    if (fieldText(form, dayField(d, 'ferme')) !== '') {
      // Ticked « Fermé » and typed times (without JavaScript both can be sent): ask, lose nothing.
      const typed = (['matin_de', 'matin_a', 'apm_de', 'apm_a'] as const).some((p) => fieldText(form, dayField(d, p)));
      if (typed)
        errors[dayField(d, 'ferme')] =
          `${label} : décochez « Fermé le ${label.toLowerCase()} » pour garder ces horaires, ou videz-les.`;
      days.push([]);
      continue;
    }
    const ranges: Range[] = [];
    for (const [part, name] of [
      ['matin', 'le matin'],
      ['apm', 'l’après-midi'],
    ] as const) {
      const fromName = dayField(d, `${part}_de`);
      const toName = dayField(d, `${part}_a`);
      const fromText = fieldText(form, fromName);
      const toText = fieldText(form, toName);
      if (fromText === '' && toText === '') continue;
      const a = fromText === '' ? undefined : normaliseTime(fromText);
      const b = toText === '' ? undefined : normaliseTime(toText);
      if (fromText === '') errors[fromName] = `${label}, ${name} : indiquez l’heure d’ouverture.`;
      else if (!a) errors[fromName] = `${label}, ${name} : « ${fromText} » n’est pas une heure (par exemple 09:00).`;
      if (toText === '') errors[toName] = `${label}, ${name} : indiquez l’heure de fermeture.`;
      else if (!b) errors[toName] = `${label}, ${name} : « ${toText} » n’est pas une heure (par exemple 12:30).`;
      if (a && b) {
        if (minutes(a) >= minutes(b)) errors[toName] = `${label}, ${name} : la fermeture doit suivre l’ouverture.`;
        else ranges.push([a, b]);
      }
    }
    if (ranges.length === 2 && minutes((ranges[1] as Range)[0]) < minutes((ranges[0] as Range)[1]))
      errors[dayField(d, 'apm_de')] = `${label} : l’après-midi doit commencer après la fin du matin.`;
    days.push(ranges);
  }
  const closures: string[] = [];
  const typed = fieldList(form, 'fermetures_exceptionnelles').filter((v) => v !== '');
  if (typed.length > MAX_CLOSURES)
    errors.fermetures_exceptionnelles = `Au plus ${MAX_CLOSURES} jours de fermeture exceptionnelle.`;
  for (const value of typed.slice(0, MAX_CLOSURES)) {
    const iso = frenchOrIsoDate(value);
    if (!iso) errors.fermetures_exceptionnelles = `« ${value} » n’est pas une date (par exemple 25/12/2026).`;
    else if (iso >= today && !closures.includes(iso)) closures.push(iso);
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    week: { days, closedOnPublicHolidays: fieldText(form, 'feries_ferme') !== '', closures: closures.sort() },
  };
}

/** '2026-12-25' or '25/12/2026' as an ISO date; undefined otherwise. */
export function frenchOrIsoDate(value: string): string | undefined {
  const v = value.trim();
  if (isIsoDate(v)) return v;
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(v);
  if (!m) return undefined;
  const iso = `${m[3]}-${(m[2] as string).padStart(2, '0')}-${(m[1] as string).padStart(2, '0')}`;
  return isIsoDate(iso) ? iso : undefined;
}

/** The notice shown above the expert field once the day-by-day hours are converted into it. */
export const CONVERTED_NOTICE =
  'Les horaires saisis jour par jour sont écrits en syntaxe experte ci-dessous. Rien n’est enregistré avant « Enregistrer ».';
export const NOTHING_TO_CONVERT_NOTICE =
  'Aucun horaire n’est saisi jour par jour : le champ expert garde ce qu’il contenait.';

/**
 * « Passer à la syntaxe experte » (ADR 0036): the expert field shows what was just typed day by
 * day, written as `opening_hours` by the same writer as a save — not the stored value, which the
 * manager may have changed since. A form with nothing typed day by day (all days empty, no
 * holiday, no closure) keeps the expert field as it is: a value the editor cannot show, opened
 * there, is never blanked by switching back and forth. The day fields' French errors otherwise.
 */
export function expertOfForm(
  form: Record<string, unknown>,
  today: string,
): { ok: true; horaires: string; notice: string } | { ok: false; errors: Record<string, string> } {
  const typed = weekFromForm(form, today);
  if (!typed.ok) return typed;
  const written = writeHours(typed.week);
  const current = fieldText(form, 'horaires');
  if (written === '' && current !== '') return { ok: true, horaires: current, notice: NOTHING_TO_CONVERT_NOTICE };
  return { ok: true, horaires: written, notice: CONVERTED_NOTICE };
}
