import { describe, expect, it } from 'vitest';
import { parisDate } from './voucher-rules.ts';

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
