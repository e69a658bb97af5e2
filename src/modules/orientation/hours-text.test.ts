/** « Ouvert maintenant » and the next opening, worded in French, English and Arabic. */
import { describe, expect, it } from 'vitest';
import { hoursText, stateThisMinute } from './hours-text.ts';
import { LANGUAGES, translator } from './i18n.ts';

// Wednesday 10 June 2026, Paris summer time (+02:00).
const at = (day: string, time: string) => new Date(`${day}T${time}:00+02:00`);
const OFFICE = 'Mo-Fr 09:00-12:00,14:00-17:30';
const words = (raw: string, now: Date, lang: (typeof LANGUAGES)[number]) =>
  hoursText(translator(lang), lang, stateThisMinute(raw, now));

describe('hours on a result page', () => {
  it.each([
    ['fr', 'Ouvert maintenant, jusqu’à 12 h', 'Fermé maintenant, ouvre aujourd’hui à 14 h'],
    ['en', 'Open now, until 12:00', 'Closed now, opens today at 14:00'],
    ['ar', 'مفتوح الآن حتى الساعة 12:00', 'مغلق الآن، يفتح اليوم الساعة 14:00'],
  ] as const)('%s: open until, and the next opening later today', (lang, open, closed) => {
    expect(words(OFFICE, at('2026-06-10', '10:00'), lang)).toEqual({ openNow: true, text: open });
    expect(words(OFFICE, at('2026-06-10', '12:30'), lang)).toEqual({ openNow: false, text: closed });
  });

  it.each([
    [
      'fr',
      'Fermé maintenant, ouvre demain à 9 h',
      'Fermé maintenant, ouvre lundi à 9 h',
      'Ouvert maintenant, jusqu’à 17 h 30',
    ],
    ['en', 'Closed now, opens tomorrow at 9:00', 'Closed now, opens on Monday at 9:00', 'Open now, until 17:30'],
    ['ar', 'مغلق الآن، يفتح غدًا الساعة 9:00', 'مغلق الآن، يفتح يوم الاثنين الساعة 9:00', 'مفتوح الآن حتى الساعة 17:30'],
  ] as const)('%s: tomorrow, a weekday, minutes', (lang, tomorrow, monday, late) => {
    expect(words(OFFICE, at('2026-06-10', '19:00'), lang).text).toBe(tomorrow);
    expect(words(OFFICE, at('2026-06-13', '11:00'), lang).text).toBe(monday);
    expect(words(OFFICE, at('2026-06-10', '16:00'), lang).text).toBe(late);
  });

  it.each([
    ['fr', 'Fermé maintenant, ouvre le 1er septembre à 10 h', 'Ouvert maintenant, ferme demain à 2 h'],
    ['en', 'Closed now, opens on 1 September at 10:00', 'Open now, closes tomorrow at 2:00'],
    ['ar', 'مغلق الآن، يفتح يوم 1 سبتمبر الساعة 10:00', 'مفتوح الآن، يُغلق غدًا الساعة 2:00'],
  ] as const)('%s: a date further away, a night opening', (lang, later, night) => {
    expect(words('Sep 01-Sep 30 10:00-12:00', at('2026-06-10', '10:00'), lang).text).toBe(later);
    expect(words('We 20:00-02:00', at('2026-06-10', '23:00'), lang).text).toBe(night);
  });

  it('says when hours are unknown or an opening is to be confirmed, in every language', () => {
    for (const lang of LANGUAGES) {
      const t = translator(lang);
      expect(words('', at('2026-06-10', '10:00'), lang)).toEqual({ openNow: null, text: t('lieu.horaires_inconnus') });
      expect(words('pas des horaires', at('2026-06-10', '10:00'), lang).openNow).toBeNull();
      expect(words('Mo 14:00-17:00 unknown', at('2026-06-10', '10:00'), lang).text).toContain(
        t('horaires.a_confirmer'),
      );
      expect(words('24/7', at('2026-06-10', '10:00'), lang)).toEqual({ openNow: true, text: t('lieu.ouvert') });
    }
  });

  it('keeps the answer for the minute only', () => {
    const first = stateThisMinute(OFFICE, at('2026-06-10', '11:59'));
    expect(first?.openNow).toBe(true);
    expect(stateThisMinute(OFFICE, new Date(at('2026-06-10', '11:59').getTime() + 59_000))).toBe(first);
    expect(stateThisMinute(OFFICE, at('2026-06-10', '12:00'))?.openNow).toBe(false);
  });
});
