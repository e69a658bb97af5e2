import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  describeHours,
  type HoursView,
  isOpenAt,
  isValidOpeningHours,
  minuteOfWeekInParis,
  weeklyIntervals,
} from './opening-hours.ts';
import { formatTime, joinFrench } from './opening-hours-time.ts';

/** Instants are always written with their Paris offset, so tests do not depend on the process time zone. */
const at = (iso: string) => new Date(iso);

// Week of Monday 8 June 2026 (CEST, +02:00), no public holiday.
const MONDAY = '2026-06-08';
const WEDNESDAY = '2026-06-10';
const THURSDAY = '2026-06-11';
const SATURDAY = '2026-06-13';
const SUNDAY = '2026-06-14';
const summer = (day: string, time: string) => at(`${day}T${time}:00+02:00`);

function view(raw: string, now: Date): HoursView {
  const result = describeHours(raw, now);
  if (!result) throw new Error(`no view for ${raw}`);
  return result;
}

function weekText(raw: string, dayIndex = 0): string | undefined {
  return view(raw, summer(WEDNESDAY, '10:00')).week?.[dayIndex]?.text;
}

describe('French wording', () => {
  it.each([
    [0, '0 h'],
    [540, '9 h'],
    [570, '9 h 30'],
    [485, '8 h 05'],
    [735, '12 h 15'],
    [1440, 'minuit'],
  ])('formatTime(%i) = %s', (minutes, expected) => {
    expect(formatTime(minutes)).toBe(expected);
  });

  it.each([
    [[], ''],
    [['a'], 'a'],
    [['a', 'b'], 'a et b'],
    [['a', 'b', 'c'], 'a, b et c'],
  ])('joinFrench(%j) = %s', (items, expected) => {
    expect(joinFrench(items)).toBe(expected);
  });

  it.each([
    ['Mo 09:00-12:00', 'de 9 h à 12 h'],
    ['Mo 09:30-12:15', 'de 9 h 30 à 12 h 15'],
    ['Mo 08:05-09:00', 'de 8 h 05 à 9 h'],
    ['Mo 00:00-12:00', 'de 0 h à 12 h'],
    ['Mo 18:00-24:00', 'de 18 h à minuit'],
    ['Mo 09:00-12:00,14:00-17:00', 'de 9 h à 12 h et de 14 h à 17 h'],
    ['Mo 08:00-10:00,11:00-12:00,14:00-16:00', 'de 8 h à 10 h, de 11 h à 12 h et de 14 h à 16 h'],
    ['Mo 09:00-12:30,12:30-17:30', 'de 9 h à 17 h 30'],
    ['Mo 22:00-02:00', 'de 22 h à 2 h'],
    ['Mo 00:00-24:00', '24 h sur 24'],
    ['Mo-Fr 9:00-12:00', 'de 9 h à 12 h'],
    ['Mo-Fr 9-12', 'de 9 h à 12 h'],
    ['Lu-Ve 09:00-12:00', 'de 9 h à 12 h'],
    ['Mo 14:00-17:00 "sur rendez-vous"', 'de 14 h à 17 h (sur rendez-vous)'],
    ['Mo 09:00-12:00,14:00-17:00 "sur rendez-vous"', 'de 9 h à 12 h et de 14 h à 17 h (sur rendez-vous)'],
    ['Mo 09:00-12:00 || "sur rendez-vous"', 'de 9 h à 12 h, sinon sur rendez-vous'],
    ['"sur rendez-vous"', 'sur rendez-vous'],
    ['Tu 09:00-12:00', 'fermé'],
  ])('Monday of %s is « %s »', (raw, expected) => {
    expect(weekText(raw)).toBe(expected);
  });

  it('lists the week from Monday, with closed days', () => {
    const result = view('Mo-Fr 08:30-12:00,13:30-17:30; We off; Sa 09:00-12:00', summer(WEDNESDAY, '10:00'));
    expect(result.week).toEqual([
      { day: 'lundi', text: 'de 8 h 30 à 12 h et de 13 h 30 à 17 h 30' },
      { day: 'mardi', text: 'de 8 h 30 à 12 h et de 13 h 30 à 17 h 30' },
      { day: 'mercredi', text: 'fermé' },
      { day: 'jeudi', text: 'de 8 h 30 à 12 h et de 13 h 30 à 17 h 30' },
      { day: 'vendredi', text: 'de 8 h 30 à 12 h et de 13 h 30 à 17 h 30' },
      { day: 'samedi', text: 'de 9 h à 12 h' },
      { day: 'dimanche', text: 'fermé' },
    ]);
    expect(result.today).toBe("Fermé aujourd'hui");
  });
});

describe('open now, today, next opening', () => {
  const HOURS = 'Mo-Fr 09:00-12:00,14:00-17:30; We 09:00-12:00; Sa 09:00-12:00';

  it.each([
    [MONDAY, '08:00', false, "Fermé, ouvre aujourd'hui à 9 h", "Ouvert aujourd'hui de 9 h à 12 h et de 14 h à 17 h 30"],
    [MONDAY, '09:00', true, "Ouvert maintenant, jusqu'à 12 h", "Ouvert aujourd'hui de 9 h à 12 h et de 14 h à 17 h 30"],
    [MONDAY, '11:59', true, "Ouvert maintenant, jusqu'à 12 h", "Ouvert aujourd'hui de 9 h à 12 h et de 14 h à 17 h 30"],
    [
      MONDAY,
      '12:00',
      false,
      "Fermé, ouvre aujourd'hui à 14 h",
      "Ouvert aujourd'hui de 9 h à 12 h et de 14 h à 17 h 30",
    ],
    [
      MONDAY,
      '15:00',
      true,
      "Ouvert maintenant, jusqu'à 17 h 30",
      "Ouvert aujourd'hui de 9 h à 12 h et de 14 h à 17 h 30",
    ],
    [MONDAY, '17:30', false, 'Fermé, ouvre demain à 9 h', "Ouvert aujourd'hui de 9 h à 12 h et de 14 h à 17 h 30"],
    [WEDNESDAY, '15:00', false, 'Fermé, ouvre demain à 9 h', "Ouvert aujourd'hui de 9 h à 12 h"],
    [SATURDAY, '10:00', true, "Ouvert maintenant, jusqu'à 12 h", "Ouvert aujourd'hui de 9 h à 12 h"],
    [SATURDAY, '13:00', false, 'Fermé, ouvre lundi à 9 h', "Ouvert aujourd'hui de 9 h à 12 h"],
    [SUNDAY, '10:00', false, 'Fermé, ouvre demain à 9 h', "Fermé aujourd'hui"],
  ])('%s %s', (day, time, open, status, today) => {
    const result = view(HOURS, summer(day, time));
    expect(result.valid).toBe(true);
    expect(result.openNow).toBe(open);
    expect(result.status).toBe(status);
    expect(result.today).toBe(today);
    expect(isOpenAt(HOURS, summer(day, time))).toBe(open);
  });

  it('names the next opening by weekday within six days, by date beyond', () => {
    expect(view('Tu,Th 09:00-12:00', summer(THURSDAY, '13:00')).status).toBe('Fermé, ouvre mardi à 9 h');
    expect(view('Mo 09:00-12:00', summer(MONDAY, '13:00')).status).toBe('Fermé, ouvre le 15 juin à 9 h');
    expect(view('May 01 09:00-12:00', at('2026-04-22T10:00:00+02:00')).status).toBe('Fermé, ouvre le 1er mai à 9 h');
    expect(view('Mo-Fr 09:00-12:00; Dec 21-Jan 03 off', at('2026-12-22T10:00:00+01:00')).status).toBe(
      'Fermé, ouvre le 4 janvier à 9 h',
    );
    expect(view('off', summer(MONDAY, '10:00')).status).toBe('Fermé');
  });

  it('says how long it stays open when that is not today', () => {
    expect(view('Mo 18:00-24:00', summer(MONDAY, '20:00')).status).toBe("Ouvert maintenant, jusqu'à minuit");
    expect(view('Mo 22:00-02:00', summer(MONDAY, '23:00')).status).toBe("Ouvert maintenant, jusqu'à demain 2 h");
    expect(view('Mo-Fr 00:00-24:00', summer(WEDNESDAY, '10:00')).status).toBe(
      "Ouvert maintenant, jusqu'à vendredi minuit",
    );
  });

  it('describes a night opening crossing midnight on both days', () => {
    const friday = 'Fr 22:00-02:00';
    expect(view(friday, at('2026-06-12T23:00:00+02:00')).today).toBe("Ouvert aujourd'hui de 22 h à 2 h");
    const saturdayNight = view(friday, at('2026-06-13T01:00:00+02:00'));
    expect(saturdayNight.openNow).toBe(true);
    expect(saturdayNight.status).toBe("Ouvert maintenant, jusqu'à 2 h");
    expect(saturdayNight.today).toBe("Ouvert aujourd'hui jusqu'à 2 h");
    expect(saturdayNight.week?.[5]).toEqual({ day: 'samedi', text: 'fermé' });
    const saturdayMorning = view(friday, summer(SATURDAY, '10:00'));
    expect(saturdayMorning.today).toBe("Fermé aujourd'hui");
    expect(saturdayMorning.status).toBe('Fermé, ouvre vendredi à 22 h');
  });

  it('handles comments and unknown states', () => {
    const appointment = view('"sur rendez-vous"', summer(MONDAY, '10:00'));
    expect(appointment).toMatchObject({
      valid: true,
      openNow: null,
      status: 'Horaires à confirmer (sur rendez-vous)',
      today: "Aujourd'hui : sur rendez-vous",
    });
    expect(view('unknown', summer(MONDAY, '10:00'))).toMatchObject({ openNow: null, status: 'Horaires à confirmer' });
    const rdv = 'Mo-Fr 14:00-17:00 "sur rendez-vous"';
    expect(view(rdv, summer(MONDAY, '10:00')).status).toBe("Fermé, ouvre aujourd'hui à 14 h (sur rendez-vous)");
    expect(view(rdv, summer(MONDAY, '15:00')).openNow).toBeNull();
    expect(view('Mo-Fr 09:00-12:00 open "accueil libre"', summer(MONDAY, '10:00')).status).toBe(
      "Ouvert maintenant, jusqu'à 12 h (accueil libre)",
    );
  });

  it('closes on French public holidays (PH off)', () => {
    const hours = 'Mo-Fr 09:00-12:00; PH off';
    // 8 May and 14 July are French holidays only: the rules are evaluated for France.
    expect(view(hours, at('2026-05-08T10:00:00+02:00'))).toMatchObject({
      openNow: false,
      status: 'Fermé, ouvre lundi à 9 h',
    });
    expect(view(hours, at('2026-07-14T10:00:00+02:00')).status).toBe('Fermé, ouvre demain à 9 h');
    expect(view(hours, at('2026-07-15T10:00:00+02:00')).openNow).toBe(true);
  });
});

describe('24/7', () => {
  it.each(['24/7', 'Mo-Su 00:00-24:00', 'open'])('%s', (raw) => {
    const result = view(raw, summer(SUNDAY, '03:00'));
    expect(result.openNow).toBe(true);
    expect(result.status).toBe('Ouvert 24 h sur 24');
    expect(result.today).toBe("Ouvert aujourd'hui 24 h sur 24");
    expect(result.week?.every((day) => day.text === '24 h sur 24')).toBe(true);
    expect(weeklyIntervals(raw)).toEqual([[0, 10080]]);
  });
});

describe('malformed or empty input', () => {
  it.each([null, undefined, '', '   '])('%j gives no view', (raw) => {
    expect(describeHours(raw, summer(MONDAY, '10:00'))).toBeNull();
    expect(isOpenAt(raw, summer(MONDAY, '10:00'))).toBeNull();
    expect(weeklyIntervals(raw)).toBeNull();
  });

  it.each([
    'Mo-Fr 9h00-12h00',
    "n'importe quoi",
    'lundi au vendredi 9h-12h',
    'Sa 17:00',
    'We,Th 12:00-14:00-17:00',
    'Mo-Fr 25:00-26:00',
    'Tu-Fr 10:00-19:00; Th 14-18:10-19',
  ])('%s is shown as written', (raw) => {
    const result = describeHours(raw, summer(MONDAY, '10:00'));
    expect(result).toEqual({
      raw,
      valid: false,
      openNow: null,
      status: 'Horaires à confirmer',
      today: '',
      week: null,
    });
    expect(isValidOpeningHours(raw)).toBe(false);
    expect(isOpenAt(raw, summer(MONDAY, '10:00'))).toBeNull();
    expect(weeklyIntervals(raw)).toBeNull();
  });

  it('accepts the slips the library corrects', () => {
    for (const raw of ['Mo-Fr 9:00-12:00', 'Mo-Fr 09:00-12:00;', 'Mo - Fr 09:00 - 12:00', 'Mo-Fr 9-12']) {
      expect(isValidOpeningHours(raw)).toBe(true);
      expect(weeklyIntervals(raw)?.[0]).toEqual([540, 720]);
    }
  });
});

describe('Europe/Paris time, whatever the process time zone', () => {
  it('evaluates the last Sunday of March (02:00 → 03:00)', () => {
    const hours = 'Su 09:00-12:00';
    expect(view(hours, at('2026-03-29T07:30:00Z')).status).toBe("Ouvert maintenant, jusqu'à 12 h"); // 9:30 CEST
    expect(view(hours, at('2026-03-29T06:30:00Z')).status).toBe("Fermé, ouvre aujourd'hui à 9 h"); // 8:30 CEST
    expect(isOpenAt(hours, at('2026-03-29T10:30:00Z'))).toBe(false); // 12:30 CEST
    expect(isOpenAt(hours, at('2026-03-28T08:30:00Z'))).toBe(false); // Saturday 9:30 CET
    const night = 'Sa 20:00-04:00';
    expect(view(night, at('2026-03-29T01:30:00Z')).status).toBe("Ouvert maintenant, jusqu'à 4 h"); // 3:30 CEST
    expect(isOpenAt(night, at('2026-03-29T02:30:00Z'))).toBe(false); // 4:30 CEST
    expect(minuteOfWeekInParis(at('2026-03-29T00:59:00Z'))).toBe(6 * 1440 + 119); // 1:59 CET
    expect(minuteOfWeekInParis(at('2026-03-29T01:00:00Z'))).toBe(6 * 1440 + 180); // 3:00 CEST
    expect(minuteOfWeekInParis(at('2026-03-29T22:00:00Z'))).toBe(0); // Monday 0:00 CEST
  });

  it('evaluates the last Sunday of October (03:00 → 02:00)', () => {
    const hours = 'Mo 09:00-10:00; Su 09:00-12:00';
    expect(isOpenAt(hours, at('2026-10-25T08:30:00Z'))).toBe(true); // 9:30 CET
    expect(isOpenAt(hours, at('2026-10-25T07:30:00Z'))).toBe(false); // 8:30 CET
    expect(isOpenAt(hours, at('2026-10-24T07:30:00Z'))).toBe(false); // Saturday 9:30 CEST
    const sunday = view(hours, at('2026-10-25T11:30:00Z')); // 12:30 CET
    expect(sunday.status).toBe('Fermé, ouvre demain à 9 h');
    expect(sunday.today).toBe("Ouvert aujourd'hui de 9 h à 12 h");
    expect(sunday.week?.[0]).toEqual({ day: 'lundi', text: 'de 9 h à 10 h' });
    expect(minuteOfWeekInParis(at('2026-10-25T00:30:00Z'))).toBe(6 * 1440 + 150); // 2:30 CEST
    expect(minuteOfWeekInParis(at('2026-10-25T01:30:00Z'))).toBe(6 * 1440 + 150); // 2:30 CET
    expect(minuteOfWeekInParis(at('2026-10-25T23:00:00Z'))).toBe(0); // Monday 0:00 CET
  });

  it('uses Paris time in winter and summer', () => {
    expect(minuteOfWeekInParis(at('2026-01-12T08:00:00Z'))).toBe(540); // Monday 9:00 CET
    expect(minuteOfWeekInParis(at('2026-06-08T07:00:00Z'))).toBe(540); // Monday 9:00 CEST
    expect(isOpenAt('Mo 09:00-10:00', at('2026-01-12T08:00:00Z'))).toBe(true);
    expect(isOpenAt('Mo 09:00-10:00', at('2026-06-08T07:00:00Z'))).toBe(true);
    expect(isOpenAt('Mo 09:00-10:00', at('2026-06-08T08:00:00Z'))).toBe(false);
  });

  it('gives the same answers when the process time zone changes', () => {
    const cases: Array<[string, Date]> = [
      ['Mo-Fr 09:00-12:00,14:00-17:30; Sa 09:00-12:00', summer(SATURDAY, '11:00')],
      ['Su 09:00-12:00', at('2026-03-29T07:30:00Z')],
      ['Sa 20:00-04:00', at('2026-10-25T01:30:00Z')],
      ['Fr 22:00-02:00', at('2026-06-12T22:30:00Z')],
    ];
    const original = process.env.TZ;
    const answers = (tz: string) => {
      process.env.TZ = tz;
      return cases.map(([raw, now]) => [describeHours(raw, now), weeklyIntervals(raw), minuteOfWeekInParis(now)]);
    };
    try {
      const reference = answers('Europe/Paris');
      for (const tz of ['UTC', 'America/New_York', 'Asia/Tokyo', 'Pacific/Chatham']) {
        expect(answers(tz)).toEqual(reference);
      }
    } finally {
      if (original === undefined) delete process.env.TZ;
      else process.env.TZ = original;
    }
  });
});

describe('weeklyIntervals', () => {
  it.each<[string, Array<[number, number]>]>([
    [
      'Mo-Fr 09:00-12:00',
      [
        [540, 720],
        [1980, 2160],
        [3420, 3600],
        [4860, 5040],
        [6300, 6480],
      ],
    ],
    [
      'Tu,Th 09:00-12:00,13:30-16:30',
      [
        [1980, 2160],
        [2250, 2430],
        [4860, 5040],
        [5130, 5310],
      ],
    ],
    [
      'Mo-Fr 08:30-12:00,13:30-17:30; We off',
      [
        [510, 720],
        [810, 1050],
        [1950, 2160],
        [2250, 2490],
        [4830, 5040],
        [5130, 5370],
        [6270, 6480],
        [6570, 6810],
      ],
    ],
    [
      'Mo-Fr 09:00-12:30,12:30-17:30; We 09:00-12:30,12:30-17:00',
      [
        [540, 1050],
        [1980, 2490],
        [3420, 3900],
        [4860, 5370],
        [6300, 6810],
      ],
    ],
    [
      'We-Sa 08:00-16:00',
      [
        [3360, 3840],
        [4800, 5280],
        [6240, 6720],
        [7680, 8160],
      ],
    ],
    [
      'Su 22:00-02:00',
      [
        [0, 120],
        [9960, 10080],
      ],
    ],
    ['Mo 09:00-12:00; PH off', [[540, 720]]],
    ['Mo 09:00-12:00; SH off', [[540, 720]]],
    ['Mo 09:00-12:00; week 1-53/2 Sa 09:00-12:00', [[540, 720]]],
    ['Mo 14:00-17:00 "sur rendez-vous"', []],
    ['"sur rendez-vous"', []],
    ['off', []],
  ])('%s', (raw, expected) => {
    expect(weeklyIntervals(raw)).toEqual(expected);
  });
});

describe('real data: lieux de médiation numérique, PACA 2023-05-17', () => {
  const records = JSON.parse(
    readFileSync(path.resolve('../shared/data/lieux/lieux-paca-2023-05-17.json'), 'utf8'),
  ) as Array<{ horaires?: string | null }>;
  const hours = records.map((record) => record.horaires).filter((value): value is string => Boolean(value));

  it('describes every value without throwing', () => {
    expect(hours).toHaveLength(409);
    const views = hours.map((raw) => view(raw, summer(WEDNESDAY, '10:00')));
    const valid = views.filter((result) => result.valid);
    expect(valid).toHaveLength(403);
    for (const result of views) {
      if (result.valid) {
        expect(result.week).toHaveLength(7);
        expect(typeof result.openNow).toBe('boolean');
        expect(result.status).not.toBe('Horaires à confirmer');
      } else {
        expect(result).toMatchObject({ openNow: null, week: null, status: 'Horaires à confirmer' });
      }
    }
  });

  it('agrees between weeklyIntervals and isOpenAt over a week', () => {
    const distinct = [...new Set(hours)].filter(isValidOpeningHours);
    for (const raw of distinct) {
      const intervals = weeklyIntervals(raw);
      expect(intervals).not.toBeNull();
      for (let minute = 15; minute < 10080; minute += 105) {
        const instant = new Date(summer(MONDAY, '00:00').getTime() + minute * 60_000);
        const inIndex = (intervals ?? []).some(([start, end]) => start <= minute && minute < end);
        expect(isOpenAt(raw, instant), `${raw} at minute ${minute}`).toBe(inIndex);
      }
    }
  });
});
