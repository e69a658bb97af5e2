import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, formatEuros, formatMonth, formatPhone, telUri } from './french.ts';

const nbsp = '\u00a0';
const nnbsp = '\u202f';

describe('dates', () => {
  it('writes a calendar date in French, « 1er » on the first of a month', () => {
    expect(formatDate('2026-12-31')).toBe(`31${nbsp}décembre 2026`);
    expect(formatDate('2026-01-01')).toBe(`1er${nbsp}janvier 2026`);
    expect(formatDate('2028-02-29')).toBe(`29${nbsp}février 2028`);
    for (const bad of ['2026-02-30', '2026-13-01', '31/12/2026', '2026-1-1', '']) {
      expect(() => formatDate(bad)).toThrow(RangeError);
    }
  });

  it('writes an instant as its Paris date and time, across midnight and summer time', () => {
    // 23:30 UTC on 30 November is 00:30 on 1 December in Paris (UTC+1).
    expect(formatDate(new Date('2026-11-30T23:30:00Z'))).toBe(`1er${nbsp}décembre 2026`);
    expect(formatDateTime(new Date('2026-11-30T23:30:00Z'))).toBe(`1er${nbsp}décembre 2026 à 00:30`);
    // 22:30 UTC on 30 June is 00:30 on 1 July in Paris (UTC+2).
    expect(formatDateTime(new Date('2026-06-30T22:30:00Z'))).toBe(`1er${nbsp}juillet 2026 à 00:30`);
    expect(formatMonth('2026-11-01')).toBe('novembre 2026');
  });
});

describe('amounts', () => {
  it('is the one way to write euros: cents in, French amount out', () => {
    expect(formatEuros(1000)).toBe(`10${nbsp}€`);
    expect(formatEuros(1050)).toBe(`10,50${nbsp}€`);
    expect(formatEuros(5)).toBe(`0,05${nbsp}€`);
    expect(formatEuros(0)).toBe(`0${nbsp}€`);
    expect(formatEuros(150000)).toBe(`1${nnbsp}500${nbsp}€`);
    expect(formatEuros(25_000_000)).toBe(`250${nnbsp}000${nbsp}€`);
    expect(formatEuros(1000, { alwaysCents: true })).toBe(`10,00${nbsp}€`);
    for (const bad of [10.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60]) {
      expect(() => formatEuros(bad)).toThrow(RangeError);
    }
  });
});

describe('phone numbers', () => {
  it('writes French numbers in pairs, « 04 94 36 00 85 », whatever form they came in', () => {
    for (const given of [
      '+33494360085',
      '0494360085',
      '04.94.36.00.85',
      '04 94 36 00 85',
      '+33 4 94 36 00 85',
      '0033494360085',
    ]) {
      expect(formatPhone(given)).toBe('04 94 36 00 85');
      expect(telUri(given)).toBe('tel:+33494360085');
    }
    expect(formatPhone('+262262123456')).toBe('+262 26 21 23 45 6');
    expect(formatPhone('3939')).toBe('3939');
    expect(telUri('appelez-nous')).toBeUndefined();
  });
});
