/**
 * « Où ? » — turns what a person typed (a commune name, a postcode, an INSEE code, or
 * « Toulon 83000 ») into a point to search around, or a question when it is ambiguous.
 */
import type { Queryable } from '../../../platform/db/database.ts';
import { communeKey } from '../text.ts';
import {
  type CommuneMatch,
  communesByInsee,
  communesByInseePrefix,
  communesByNameKey,
  communesByPostcode,
  similarCommunes,
} from './communes-repository.ts';
import { departementName } from './departements.ts';

export interface Candidate {
  label: string;
  codeInsee: string;
  codePostal: string;
}

export type Location =
  | { kind: 'found'; label: string; latitude: number; longitude: number; codesInsee: string[] }
  | { kind: 'ambiguous'; query: string; candidates: Candidate[] }
  | { kind: 'unknown'; query: string; suggestions: Candidate[] }
  | { kind: 'unlocated'; label: string; codesInsee: string[] };

const wholeCities: Record<string, string> = { '75056': '751', '13055': '132', '69123': '6938' };

function label(c: CommuneMatch): string {
  return `${c.name} (${c.codePostal}, ${departementName(c.departement)})`;
}

function centre(matches: CommuneMatch[]): { latitude: number; longitude: number } | undefined {
  const located = matches.filter((m) => m.latitude !== null && m.longitude !== null);
  if (located.length === 0) return undefined;
  return {
    latitude: located.reduce((s, m) => s + (m.latitude as number), 0) / located.length,
    longitude: located.reduce((s, m) => s + (m.longitude as number), 0) / located.length,
  };
}

/** One place to search around for communes that are really one (a postcode, a city's arrondissements). */
function found(matches: CommuneMatch[], text: string): Location {
  const point = centre(matches);
  const codesInsee = matches.map((m) => m.codeInsee);
  if (!point) return { kind: 'unlocated', label: text, codesInsee };
  return { kind: 'found', label: text, ...point, codesInsee };
}

function cityName(name: string): string {
  return name.replace(/ \d+(er|e) arrondissement$/, '');
}

export async function resolveLocation(db: Queryable, input: string): Promise<Location> {
  const query = input.trim().replace(/\s+/g, ' ');
  const postcode = /\b(\d{5})\b/.exec(query)?.[1];
  const namePart = query
    .replace(/\b\d{5}\b/, '')
    .replace(/[(),]/g, ' ')
    .trim();

  if (/^(\d{5}|2[AB]\d{3})$/i.test(query)) {
    const code = query.toUpperCase();
    const byPostcode = /^\d{5}$/.test(code) ? await communesByPostcode(db, code) : [];
    if (byPostcode.length > 0) {
      const names = [...new Set(byPostcode.map((m) => cityName(m.name)))];
      return found(byPostcode, `${code} (${names.slice(0, 3).join(', ')}${names.length > 3 ? '…' : ''})`);
    }
    const byInsee = wholeCities[code]
      ? await communesByInseePrefix(db, wholeCities[code] as string)
      : await communesByInsee(db, code);
    if (byInsee.length > 0) return found(byInsee, cityName((byInsee[0] as CommuneMatch).name));
    return { kind: 'unknown', query, suggestions: [] };
  }

  const key = communeKey(namePart);
  if (!key) return { kind: 'unknown', query, suggestions: [] };
  let matches = await communesByNameKey(db, key);
  if (postcode) {
    const withPostcode = matches.filter((m) => m.codePostal === postcode);
    if (withPostcode.length > 0) matches = withPostcode;
    else if (matches.length === 0) matches = await communesByPostcode(db, postcode);
  }
  if (matches.length === 0) {
    const similar = await similarCommunes(db, key);
    return {
      kind: 'unknown',
      query,
      suggestions: similar.map((c) => ({ label: label(c), codeInsee: c.codeInsee, codePostal: c.codePostal })),
    };
  }
  // Communes with the same name in the same département are one city (arrondissements).
  const groups = new Map<string, CommuneMatch[]>();
  for (const m of matches) {
    const k = `${cityName(m.name)}|${m.departement}`;
    groups.set(k, [...(groups.get(k) ?? []), m]);
  }
  if (groups.size === 1) return found(matches, cityName((matches[0] as CommuneMatch).name));
  return {
    kind: 'ambiguous',
    query,
    candidates: [...groups.values()].map((g) => {
      const first = g[0] as CommuneMatch;
      return {
        label: `${cityName(first.name)} (${first.codePostal}, ${departementName(first.departement)})`,
        codeInsee: first.codeInsee,
        codePostal: first.codePostal,
      };
    }),
  };
}
