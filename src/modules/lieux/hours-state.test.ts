/** hoursState: where a place stands now, as data (the orientation result words it in three languages). */
import { describe, expect, it } from 'vitest';
import { describeHours, hoursState } from './opening-hours.ts';

// Week of Monday 8 June 2026 (CEST, +02:00), no public holiday; instants carry their Paris offset.
const summer = (day: string, time: string) => new Date(`${day}T${time}:00+02:00`);
const OFFICE = 'Mo-Fr 09:00-12:00,14:00-17:00';

describe('hoursState', () => {
  it('says until when an open place stays open', () => {
    expect(hoursState(OFFICE, summer('2026-06-10', '10:15'))).toEqual({
      openNow: true,
      closes: { inDays: 0, weekday: 2, date: '2026-06-10', minute: 12 * 60 },
    });
    // A night opening closes the next day; an opening to midnight closes at 1440 of today.
    expect(hoursState('Fr 20:00-02:00', summer('2026-06-12', '23:00'))).toEqual({
      openNow: true,
      closes: { inDays: 1, weekday: 5, date: '2026-06-13', minute: 120 },
    });
    expect(hoursState('Mo-Su 08:00-24:00', summer('2026-06-10', '23:59'))).toEqual({
      openNow: true,
      closes: { inDays: 0, weekday: 2, date: '2026-06-10', minute: 1440 },
    });
    expect(hoursState('24/7', summer('2026-06-10', '03:00'))).toEqual({ openNow: true, closes: null });
  });

  it('gives the next opening of a closed place: later today, tomorrow, after the weekend', () => {
    expect(hoursState(OFFICE, summer('2026-06-10', '12:30'))?.opens).toEqual({
      inDays: 0,
      weekday: 2,
      date: '2026-06-10',
      minute: 14 * 60,
      toConfirm: false,
    });
    expect(hoursState(OFFICE, summer('2026-06-10', '18:00'))?.opens).toMatchObject({ inDays: 1, weekday: 3 });
    expect(hoursState(OFFICE, summer('2026-06-12', '18:00'))?.opens).toEqual({
      inDays: 3,
      weekday: 0,
      date: '2026-06-15',
      minute: 9 * 60,
      toConfirm: false,
    });
  });

  it('marks an opening « to confirm », and knows neither bad nor empty hours', () => {
    expect(hoursState('Mo 14:00-17:00 unknown "sur rendez-vous"', summer('2026-06-10', '10:00'))?.opens).toMatchObject({
      inDays: 5,
      minute: 14 * 60,
      toConfirm: true,
    });
    expect(hoursState('Mo-Su unknown "sur rendez-vous"', summer('2026-06-10', '10:00'))).toEqual({ openNow: null });
    expect(hoursState('n’importe quoi', summer('2026-06-10', '10:00'))).toBeNull();
    expect(hoursState('', summer('2026-06-10', '10:00'))).toBeNull();
    expect(hoursState(null, summer('2026-06-10', '10:00'))).toBeNull();
  });

  it('agrees with describeHours on whether a place is open', () => {
    const rules = [OFFICE, 'Mo,We 09:00-12:00; Sa 10:00-18:00', 'Fr 20:00-02:00', 'Tu-Sa 09:30-18:30; PH off'];
    for (const raw of rules) {
      for (let hour = 0; hour < 24 * 7; hour += 5) {
        const now = new Date(summer('2026-06-08', '00:00').getTime() + hour * 3_600_000);
        expect(hoursState(raw, now)?.openNow, `${raw} at ${now.toISOString()}`).toBe(describeHours(raw, now)?.openNow);
      }
    }
  });
});
