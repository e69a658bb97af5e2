/**
 * The diagnostic's texts in French, English and Arabic: one flat JSON file per language
 * (i18n/<lang>.json) that a translator edits without touching code. French is the reference;
 * i18n.test.ts fails when a key or a {placeholder} is missing in another language. English
 * and Arabic are drafts to be reviewed by native speakers (their « _relecture » key, and a
 * notice on every page in those languages).
 */
import { readFileSync } from 'node:fs';

export const LANGUAGES = ['fr', 'en', 'ar'] as const;
export type Lang = (typeof LANGUAGES)[number];

function loadLanguage(lang: Lang): Readonly<Record<string, string>> {
  const parsed = JSON.parse(readFileSync(new URL(`./i18n/${lang}.json`, import.meta.url), 'utf8')) as unknown;
  if (!parsed || typeof parsed !== 'object') throw new Error(`i18n/${lang}.json must be an object`);
  for (const [key, value] of Object.entries(parsed)) {
    if (typeof value !== 'string') throw new Error(`i18n/${lang}.json: « ${key} » must be text`);
  }
  return Object.freeze(parsed as Record<string, string>);
}

export const TRANSLATIONS: Readonly<Record<Lang, Readonly<Record<string, string>>>> = {
  fr: loadLanguage('fr'),
  en: loadLanguage('en'),
  ar: loadLanguage('ar'),
};

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

export function direction(lang: Lang): 'ltr' | 'rtl' {
  return lang === 'ar' ? 'rtl' : 'ltr';
}

export type Translate = (key: string, vars?: Record<string, string | number>) => string;

const translators = new Map<Lang, Translate>();

/**
 * A translator for one language; an unknown key is a programming error (tests catch it). One
 * per language, kept: a text with {placeholders} is split once into its literal parts and
 * names (a result page fills about forty of them).
 */
export function translator(lang: Lang): Translate {
  const known = translators.get(lang);
  if (known) return known;
  const table = TRANSLATIONS[lang];
  const templates = new Map<string, string[]>();
  const translate: Translate = (key, vars) => {
    const text = table[key] ?? TRANSLATIONS.fr[key];
    if (text === undefined) throw new Error(`Missing translation key « ${key} »`);
    if (!vars) return text;
    let parts = templates.get(key);
    if (!parts) {
      // [literal, name, literal, name, …, literal]
      parts = text.split(/\{(\w+)\}/);
      templates.set(key, parts);
    }
    let out = parts[0] as string;
    for (let i = 1; i < parts.length; i += 2) {
      const name = parts[i] as string;
      out += (name in vars ? String(vars[name]) : `{${name}}`) + (parts[i + 1] as string);
    }
    return out;
  };
  translators.set(lang, translate);
  return translate;
}

const dateFormats = new Map<Lang, Intl.DateTimeFormat>();

/** Dates in the page's language, in Paris time (« 12 mars 2027 »). */
export function formatDate(lang: Lang, date: Date): string {
  let format = dateFormats.get(lang);
  if (!format) {
    const locale = lang === 'ar' ? 'ar-u-nu-latn' : lang === 'en' ? 'en-GB' : 'fr-FR';
    format = new Intl.DateTimeFormat(locale, {
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      timeZone: 'Europe/Paris',
    });
    dateFormats.set(lang, format);
  }
  return format.format(date);
}
