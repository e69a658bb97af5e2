import { describe, expect, it } from 'vitest';
import { addDays, nextMonth, parisDate, parisMidnight, parisMonth, parisToday } from './paris-time.ts';

describe('today in Paris', () => {
  it('changes at midnight in Paris, not at midnight UTC', () => {
    // Winter (UTC+1): 23:00 UTC is already tomorrow in Paris; UTC still says today.
    expect(parisDate(new Date('2026-11-30T22:59:59Z'))).toBe('2026-11-30');
    expect(parisDate(new Date('2026-11-30T23:00:00Z'))).toBe('2026-12-01');
    expect(new Date('2026-11-30T23:00:00Z').toISOString().slice(0, 10)).toBe('2026-11-30');
    // Summer (UTC+2): 22:00 UTC is midnight in Paris.
    expect(parisDate(new Date('2026-06-30T21:59:59Z'))).toBe('2026-06-30');
    expect(parisDate(new Date('2026-06-30T22:00:00Z'))).toBe('2026-07-01');
    expect(parisToday(() => new Date('2026-12-31T23:30:00Z'))).toBe('2027-01-01');
    expect(parisMonth(new Date('2026-11-30T23:30:00Z'))).toBe('2026-12-01');
  });

  it('finds the instant a Paris day starts, in winter and in summer', () => {
    expect(parisMidnight('2026-12-01').toISOString()).toBe('2026-11-30T23:00:00.000Z');
    expect(parisMidnight('2026-07-01').toISOString()).toBe('2026-06-30T22:00:00.000Z');
    // The days summer time starts and ends.
    expect(parisMidnight('2026-03-29').toISOString()).toBe('2026-03-28T23:00:00.000Z');
    expect(parisMidnight('2026-10-25').toISOString()).toBe('2026-10-24T22:00:00.000Z');
  });

  it('adds days and months on the calendar', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(nextMonth('2026-12-15')).toBe('2027-01-01');
    expect(nextMonth('2026-01-31')).toBe('2026-02-01');
    expect(() => addDays('2026-02-30', 1)).toThrow(RangeError);
  });
});

describe('parisDate', () => {
  it('changes at midnight in Paris, winter and summer time alike', () => {
    // Winter: UTC+1.
    expect(parisDate(new Date('2026-01-15T22:59:59.999Z'))).toBe('2026-01-15');
    expect(parisDate(new Date('2026-01-15T23:00:00.000Z'))).toBe('2026-01-16');
    // Summer: UTC+2.
    expect(parisDate(new Date('2026-07-01T21:59:59.999Z'))).toBe('2026-07-01');
    expect(parisDate(new Date('2026-07-01T22:00:00.000Z'))).toBe('2026-07-02');
    // The night the clocks go forward (29 March 2026, 02:00 → 03:00).
    expect(parisDate(new Date('2026-03-28T22:59:00.000Z'))).toBe('2026-03-28');
    expect(parisDate(new Date('2026-03-28T23:00:00.000Z'))).toBe('2026-03-29');
    expect(parisDate(new Date('2026-03-29T21:59:59.000Z'))).toBe('2026-03-29');
    expect(parisDate(new Date('2026-03-29T22:00:00.000Z'))).toBe('2026-03-30');
  });

  it('gives the right date when asked again within the same minute, in any order', () => {
    expect(parisDate(new Date('2026-01-15T22:59:30.000Z'))).toBe('2026-01-15');
    expect(parisDate(new Date('2026-01-15T22:59:59.000Z'))).toBe('2026-01-15');
    expect(parisDate(new Date('2026-01-15T23:00:01.000Z'))).toBe('2026-01-16');
    expect(parisDate(new Date('2026-01-15T22:59:01.000Z'))).toBe('2026-01-15');
  });
});
