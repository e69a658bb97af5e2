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
  communesByWordPrefix,
  similarCommunes,
} from './communes-repository.ts';
import { departementName } from './departements.ts';

export interface Candidate {
  label: string;
  codeInsee: string;
  codePostal: string;
}

export type Location =
  | {
      kind: 'found';
      label: string;
      latitude: number;
      longitude: number;
      codesInsee: string[];
      /**
       * Other communes whose name starts with the words typed (« Aix » → Aix-en-Provence…), with
       * the point of each: the search decides whether the exact name is what was meant.
       */
      others?: Array<Candidate & { latitude: number; longitude: number }>;
      /** The commune found, as a choice among `others`. */
      self?: Candidate;
    }
  | { kind: 'ambiguous'; query: string; candidates: Candidate[] }
  | { kind: 'unknown'; query: string; suggestions: Candidate[] }
  | { kind: 'unlocated'; label: string; codesInsee: string[] };

const wholeCities: Record<string, string> = { '75056': '751', '13055': '132', '69123': '6938' };
/** The INSEE code of the whole city an arrondissement belongs to. */
function wholeCityOf(codeInsee: string): string | undefined {
  return Object.entries(wholeCities).find(([, prefix]) => codeInsee.startsWith(prefix))?.[0];
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

/** Communes that are one city (same name once arrondissements are dropped, same département). */
function cities(matches: CommuneMatch[]): CommuneMatch[][] {
  const groups = new Map<string, CommuneMatch[]>();
  for (const m of matches) {
    const k = `${cityName(m.name)}|${m.departement}`;
    groups.set(k, [...(groups.get(k) ?? []), m]);
  }
  return [...groups.values()];
}

/** One choice per city: the whole city's INSEE code when it has arrondissements. */
function candidateOf(group: CommuneMatch[]): Candidate {
  const first = group[0] as CommuneMatch;
  const whole = group.length > 1 ? wholeCityOf(first.codeInsee) : undefined;
  return {
    label: `${cityName(first.name)} (${first.codePostal}, ${departementName(first.departement)})`,
    codeInsee: whole ?? first.codeInsee,
    codePostal: first.codePostal,
  };
}

export async function resolveLocation(db: Queryable, input: string): Promise<Location> {
  // « 83 000 » is how a postcode is often written (and read out).
  const query = input
    .trim()
    .replace(/\s+/g, ' ')
    .replace(/\b(\d{2}) (\d{3})\b/, '$1$2');
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
  // A partial name, whole words (« La Seyne »): the commune if only one starts so, else a question.
  const startingSo = postcode ? [] : cities(await communesByWordPrefix(db, key));
  if (matches.length === 0 && startingSo.length === 1) {
    const group = startingSo[0] as CommuneMatch[];
    return found(group, cityName((group[0] as CommuneMatch).name));
  }
  if (matches.length === 0 && startingSo.length > 1 && startingSo.length <= 12) {
    return { kind: 'ambiguous', query, candidates: startingSo.map(candidateOf) };
  }
  if (matches.length === 0) {
    const similar = cities(await similarCommunes(db, key));
    return { kind: 'unknown', query, suggestions: similar.map(candidateOf) };
  }
  const groups = cities(matches);
  if (groups.length === 1) {
    const location = found(matches, cityName((matches[0] as CommuneMatch).name));
    const others = startingSo
      .map((g) => ({ candidate: candidateOf(g), point: centre(g) }))
      .filter((o) => o.point !== undefined)
      .slice(0, 12)
      .map((o) => ({ ...o.candidate, ...(o.point as { latitude: number; longitude: number }) }));
    return location.kind === 'found' && others.length > 0
      ? { ...location, others, self: candidateOf(groups[0] as CommuneMatch[]) }
      : location;
  }
  return { kind: 'ambiguous', query, candidates: groups.map(candidateOf) };
}
