import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CONVERTED_NOTICE,
  dayField,
  EMPTY_WEEK,
  expertOfForm,
  frenchOrIsoDate,
  NOTHING_TO_CONVERT_NOTICE,
  normaliseTime,
  readHours,
  sameOpening,
  type WeekHours,
  weekFromForm,
  weekToFields,
  writeHours,
} from './hours-editor.ts';
import { isValidOpeningHours } from './opening-hours.ts';

const TODAY = '2026-11-10';

function week(days: Partial<Record<number, Array<[string, string]>>>, extra: Partial<WeekHours> = {}): WeekHours {
  return {
    ...EMPTY_WEEK,
    days: Array.from({ length: 7 }, (_, d) => days[d] ?? []),
    ...extra,
  };
}

describe('writeHours', () => {
  it('groups identical days and writes valid opening_hours', () => {
    const w = week(
      {
        0: [
          ['09:00', '12:00'],
          ['14:00', '17:00'],
        ],
        1: [
          ['09:00', '12:00'],
          ['14:00', '17:00'],
        ],
        2: [['09:00', '12:00']],
        3: [
          ['09:00', '12:00'],
          ['14:00', '17:00'],
        ],
        4: [
          ['09:00', '12:00'],
          ['14:00', '17:00'],
        ],
      },
      { closedOnPublicHolidays: true, closures: ['2026-12-24'] },
    );
    const raw = writeHours(w);
    expect(raw).toBe('Mo,Tu,Th,Fr 09:00-12:00,14:00-17:00; We 09:00-12:00; PH off; 2026 Dec 24 off');
    expect(isValidOpeningHours(raw)).toBe(true);
    expect(readHours(raw, TODAY)).toEqual({ kind: 'week', week: w });
  });

  it('writes runs of three days as a range and nothing for a closed week', () => {
    expect(writeHours(week({ 0: [['08:30', '17:30']], 1: [['08:30', '17:30']], 2: [['08:30', '17:30']] }))).toBe(
      'Mo-We 08:30-17:30',
    );
    expect(writeHours(EMPTY_WEEK)).toBe('');
  });
});

describe('readHours', () => {
  it('applies later rules over earlier ones, as the syntax does', () => {
    const r = readHours('Mo-Fr 08:30-12:00,13:30-17:00; We off', TODAY);
    expect(r.kind).toBe('week');
    if (r.kind === 'week') {
      expect(r.week.days[2]).toEqual([]);
      expect(r.week.days[4]).toEqual([
        ['08:30', '12:00'],
        ['13:30', '17:00'],
      ]);
    }
  });

  it.each([
    'Mo 14:00-17:00 "sur rendez-vous"',
    'Mo 09:00-12:00; SH off',
    'Mo-Fr 08:00-10:00,11:00-12:00,14:00-17:00',
    'Mo-Fr 09:00-12:00; week 1-53/2 Sa 09:00-12:00',
    'Mo-Fr 22:00-02:00',
    'Mo-Fr 9h-12h',
    '24/7',
  ])('opens %s in the expert field, as written', (raw) => {
    expect(readHours(raw, TODAY)).toEqual({ kind: 'expert', raw });
  });

  it('drops dated closures already past from the form', () => {
    const r = readHours('Mo 09:00-12:00; 2025 Dec 24 off; 2026 Dec 24 off', TODAY);
    expect(r).toMatchObject({ kind: 'week', week: { closures: ['2026-12-24'] } });
  });
});

describe('weekFromForm', () => {
  it('reads the fields back into the week they came from', () => {
    const w = week({ 0: [['09:00', '12:00']], 5: [['10:00', '12:00']] }, { closures: ['2026-12-31'] });
    expect(weekFromForm(weekToFields(w), TODAY)).toEqual({ ok: true, week: w });
  });

  it('says in French what is wrong, field by field', () => {
    const r = weekFromForm(
      {
        [dayField(0, 'matin_de')]: '12:00',
        [dayField(0, 'matin_a')]: '09:00',
        [dayField(1, 'matin_de')]: 'midi',
        [dayField(1, 'matin_a')]: '12:00',
        [dayField(2, 'apm_de')]: '14:00',
        fermetures_exceptionnelles: ['31/02/2026'],
      },
      TODAY,
    );
    expect(r).toEqual({
      ok: false,
      errors: {
        [dayField(0, 'matin_a')]: 'Lundi, le matin : la fermeture doit suivre l’ouverture.',
        [dayField(1, 'matin_de')]: 'Mardi, le matin : « midi » n’est pas une heure (par exemple 09:00).',
        [dayField(2, 'apm_a')]: 'Mercredi, l’après-midi : indiquez l’heure de fermeture.',
        fermetures_exceptionnelles: '« 31/02/2026 » n’est pas une date (par exemple 25/12/2026).',
      },
    });
  });

  it('asks rather than drop times typed on a day ticked « Fermé », and reads French times', () => {
    expect(weekFromForm({ [dayField(0, 'ferme')]: 'on', [dayField(0, 'matin_de')]: '09:00' }, TODAY)).toEqual({
      ok: false,
      errors: { [dayField(0, 'ferme')]: 'Lundi : décochez « Fermé le lundi » pour garder ces horaires, ou videz-les.' },
    });
    const r = weekFromForm(
      { [dayField(0, 'ferme')]: 'on', [dayField(1, 'matin_de')]: '9h', [dayField(1, 'matin_a')]: '12h30' },
      TODAY,
    );
    expect(r).toMatchObject({ ok: true, week: { days: [[], [['09:00', '12:30']], [], [], [], [], []] } });
    expect(normaliseTime('25:00')).toBeUndefined();
    expect(frenchOrIsoDate('25/12/2026')).toBe('2026-12-25');
  });
});

describe('expertOfForm (« Passer à la syntaxe experte », ADR 0036)', () => {
  it('writes what was typed day by day, not the stored value the expert field still holds', () => {
    const typed = weekToFields(
      week({ 0: [['09:00', '12:00']], 5: [['09:30', '12:00']] }, { closures: ['2026-12-24'] }),
    );
    expect(expertOfForm({ ...typed, horaires: 'Mo-Fr 09:00-17:00' }, TODAY)).toEqual({
      ok: true,
      horaires: 'Mo 09:00-12:00; Sa 09:30-12:00; 2026 Dec 24 off',
      notice: CONVERTED_NOTICE,
    });
  });

  it('keeps an expert value when nothing is typed day by day, and says why', () => {
    const empty = weekToFields(EMPTY_WEEK);
    expect(expertOfForm({ ...empty, horaires: 'Mo 14:00-17:00 "sur rendez-vous"' }, TODAY)).toEqual({
      ok: true,
      horaires: 'Mo 14:00-17:00 "sur rendez-vous"',
      notice: NOTHING_TO_CONVERT_NOTICE,
    });
    expect(expertOfForm({ ...empty, horaires: '' }, TODAY)).toEqual({
      ok: true,
      horaires: '',
      notice: CONVERTED_NOTICE,
    });
  });

  it('gives the day fields’ French errors instead of a half-written value', () => {
    expect(expertOfForm({ [dayField(1, 'apm_de')]: '18:00', [dayField(1, 'apm_a')]: '17:00' }, TODAY)).toEqual({
      ok: false,
      errors: { [dayField(1, 'apm_a')]: 'Mardi, l’après-midi : la fermeture doit suivre l’ouverture.' },
    });
  });
});

function sharedFile(name: string): string | undefined {
  const candidates = [path.resolve('../shared/data/lieux', name), path.resolve('/work/shared/data/lieux', name)];
  return candidates.find((p) => existsSync(p));
}

describe('round trip on the regional export (PACA 2023-05-17)', () => {
  const file = sharedFile('lieux-paca-2023-05-17.json');
  it.runIf(file !== undefined)(
    'opens every value either as days that mean the same, or as written',
    () => {
      const records = JSON.parse(readFileSync(file as string, 'utf8')) as Array<{ horaires?: string | null }>;
      const values = [...new Set(records.map((r) => r.horaires).filter((v): v is string => Boolean(v)))];
      expect(values.length).toBeGreaterThan(250);
      let asDays = 0;
      for (const raw of values) {
        const r = readHours(raw, TODAY);
        if (r.kind === 'expert') {
          expect(r.raw).toBe(raw.trim());
          continue;
        }
        asDays++;
        // Through the form and back: the same fields, the same value, the same opening instants.
        const again = weekFromForm(weekToFields(r.week), TODAY);
        expect(again).toEqual({ ok: true, week: r.week });
        const written = writeHours(r.week);
        expect(isValidOpeningHours(written) || written === '').toBe(true);
        expect(sameOpening(raw, written, new Date(`${TODAY}T00:00:00`)), raw).toBe(true);
      }
      // Most real values are plain weekly hours the form shows day by day.
      expect(asDays / values.length).toBeGreaterThan(0.9);
    },
    120_000,
  );
});
