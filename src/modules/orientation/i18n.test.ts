/** Translations: a missing key or placeholder in any language fails here, not in front of a person. */
import { describe, expect, it } from 'vitest';
import { LANGUAGES, TRANSLATIONS, translator } from './i18n.ts';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('translations', () => {
  const reference = TRANSLATIONS.fr;
  it.each(LANGUAGES.filter((l) => l !== 'fr'))('%s has every French key, and no other', (lang) => {
    const table = TRANSLATIONS[lang];
    expect(Object.keys(reference).filter((k) => !(k in table))).toEqual([]);
    expect(Object.keys(table).filter((k) => !(k in reference))).toEqual([]);
  });

  it.each(LANGUAGES.filter((l) => l !== 'fr'))('%s keeps every {placeholder} of the French text', (lang) => {
    const table = TRANSLATIONS[lang];
    const wrong = Object.keys(reference).filter(
      (k) => JSON.stringify(placeholders(reference[k] ?? '')) !== JSON.stringify(placeholders(table[k] ?? '')),
    );
    expect(wrong).toEqual([]);
  });

  it.each(LANGUAGES.filter((l) => l !== 'fr'))('%s is marked as needing a native speaker’s review', (lang) => {
    expect(TRANSLATIONS[lang]._relecture).toMatch(/native/);
    expect(TRANSLATIONS[lang].avis_traduction).not.toBe('');
  });

  it('leaves no French text empty except the translation notice', () => {
    const empty = Object.entries(reference).filter(([k, v]) => v.trim() === '' && k !== 'avis_traduction');
    expect(empty).toEqual([]);
  });

  it('fills every text as a plain replacement would, twice (the second time from the split kept)', () => {
    for (const lang of LANGUAGES) {
      const t = translator(lang);
      expect(translator(lang)).toBe(t);
      for (const [key, text] of Object.entries(TRANSLATIONS[lang])) {
        const names = placeholders(text);
        const vars = Object.fromEntries(names.slice(1).map((n, i) => [n, `<${i}$&>`]));
        const expected = text.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
        expect(t(key, vars)).toBe(expected);
        expect(t(key, vars)).toBe(expected);
      }
    }
  });

  it('fills placeholders and refuses unknown keys', () => {
    expect(translator('en')('progression', { n: 2, total: 8 })).toBe('Question 2 of 8');
    expect(() => translator('ar')('cle.inexistante')).toThrow(/Missing translation key/);
  });
});
