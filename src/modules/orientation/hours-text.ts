/**
 * « Ouvert maintenant » or the next opening of a place, in the page's language (texts in
 * i18n/<lang>.json: horaires.*, jour.*, heure.*). Where a place stands comes from the lieux
 * module (hoursState) and is kept for the current minute: many places share the same hours,
 * and opening hours change at whole minutes, so the answer is the same for the whole minute.
 */
import { type HoursState, hoursState } from '../lieux/index.ts';
import type { Lang, Translate } from './i18n.ts';

export interface PlaceHours {
  /** null: unknown now (no hours, unreadable, or only « sur rendez-vous » at this moment). */
  openNow: boolean | null;
  /** The state in words, in the page's language (« Fermé maintenant, ouvre demain à 9 h »). */
  text: string;
}

let memoMinute = Number.NaN;
const memo = new Map<string, HoursState | null>();

/** hoursState, computed once per hours text and minute. */
export function stateThisMinute(raw: string | null | undefined, now: Date): HoursState | null {
  const value = raw?.trim() ?? '';
  if (value === '') return null;
  const minute = Math.floor(now.getTime() / 60_000);
  if (minute !== memoMinute || memo.size >= 5000) {
    memo.clear();
    memoMinute = minute;
  }
  let state = memo.get(value);
  if (state === undefined) {
    state = hoursState(value, now);
    memo.set(value, state);
  }
  return state;
}

function time(t: Translate, minute: number): string {
  if (minute >= 1440) return t('heure.minuit');
  const h = Math.floor(minute / 60);
  const mm = minute % 60;
  return mm === 0 ? t('heure.pile', { h }) : t('heure.minutes', { h, mm: String(mm).padStart(2, '0') });
}

const dayMonthFormats = new Map<Lang, Intl.DateTimeFormat>();
function dayMonth(lang: Lang, isoDate: string): string {
  let format = dayMonthFormats.get(lang);
  if (!format) {
    const locale = lang === 'ar' ? 'ar-u-nu-latn' : lang === 'en' ? 'en-GB' : 'fr-FR';
    format = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'long', timeZone: 'UTC' });
    dayMonthFormats.set(lang, format);
  }
  const text = format.format(new Date(`${isoDate}T12:00:00Z`));
  // « le 1er septembre », as French writes the first day of a month.
  return lang === 'fr' ? text.replace(/^1 /, '1er ') : text;
}

/** « aujourd’hui », « demain », a weekday within the week, else a date (« le 3 janvier »). */
function day(t: Translate, lang: Lang, inDays: number, weekday: number, isoDate: string): string {
  if (inDays === 0) return t('jour.aujourdhui');
  if (inDays === 1) return t('jour.demain');
  if (inDays > 1 && inDays <= 6) return t(`jour.${weekday}`);
  return t('jour.date', { date: dayMonth(lang, isoDate) });
}

/** What a place card says about the hours, in the page's language. */
export function hoursText(t: Translate, lang: Lang, state: HoursState | null): PlaceHours {
  if (!state || state.openNow === null) return { openNow: null, text: t('lieu.horaires_inconnus') };
  if (state.openNow) {
    const closes = state.closes;
    if (!closes) return { openNow: true, text: t('lieu.ouvert') };
    if (closes.inDays === 0)
      return { openNow: true, text: t('horaires.ouvert_jusqua', { heure: time(t, closes.minute) }) };
    return {
      openNow: true,
      text: t('horaires.ouvert_ferme', {
        jour: day(t, lang, closes.inDays, closes.weekday, closes.date),
        heure: time(t, closes.minute),
      }),
    };
  }
  const opens = state.opens;
  if (!opens) return { openNow: false, text: t('lieu.ferme') };
  const text = t('horaires.ferme_ouvre', {
    jour: day(t, lang, opens.inDays, opens.weekday, opens.date),
    heure: time(t, opens.minute),
  });
  return { openNow: false, text: opens.toConfirm ? `${text} ${t('horaires.a_confirmer')}` : text };
}
