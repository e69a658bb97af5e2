import { describe, expect, it } from 'vitest';
import { nameKey } from './names.ts';

describe('nameKey (duplicates are compared on it)', () => {
  it('ignores accents, case, punctuation and spacing', () => {
    expect(nameKey('Zoé')).toBe('zoe');
    expect(nameKey('  ZOÉ ')).toBe('zoe');
    expect(nameKey('zoe')).toBe('zoe');
    expect(nameKey('J.-M.')).toBe('j m');
    expect(nameKey('Jean-Marie')).toBe(nameKey('jean marie'));
    expect(nameKey('Lætitia')).toBe('laetitia');
    expect(nameKey('Chloë  Œdipe')).toBe('chloe oedipe');
  });

  it('keeps letters of other scripts', () => {
    expect(nameKey('Мария')).toBe('мария');
    expect(nameKey('فاطمة')).toBe('فاطمة');
  });

  it('tells different names apart', () => {
    expect(nameKey('Zoé')).not.toBe(nameKey('Zoël'));
  });
});
