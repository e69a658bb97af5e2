/**
 * What the gazetteer says about an imported place: its INSEE code when the file's is missing
 * or unknown (from the postcode and the commune's name), and whether its coordinates are far
 * from its commune — with a distance that suits the commune's size.
 */
import type { Queryable } from '../../../platform/db/database.ts';
import { type CommuneMatch, communesByInsee, communesByPostcode } from '../gazetteer/communes-repository.ts';
import type { Place } from '../standard.ts';
import { communeKey } from '../text.ts';

/** Great-circle distance in km. */
export function distanceKm(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/**
 * How far from its commune's point a place may be before its coordinates are doubted: the
 * spread of the commune's own points in the gazetteer (its localities and postcodes), with a
 * floor that suits where it is — overseas communes are huge (Maripasoula, in Guyane, is
 * 18,000 km²), metropolitan ones rarely wider than 15 km.
 */
export function allowedDistanceKm(codeInsee: string, spreadKm: number): number {
  const floor = codeInsee.startsWith('973') ? 150 : /^9[78]/.test(codeInsee) ? 40 : 15;
  return Math.max(floor, 2 * spreadKm + 5);
}

export interface CommuneReference {
  codeInsee: string;
  name: string;
  lat: number;
  lon: number;
  allowedKm: number;
}

export function gazetteerChecks(db: Queryable) {
  const byInsee = new Map<string, CommuneMatch[]>();
  const byPostcode = new Map<string, CommuneMatch[]>();
  const spreads = new Map<string, number>();

  const inseeMatches = async (code: string) => {
    if (!byInsee.has(code)) byInsee.set(code, await communesByInsee(db, code));
    return byInsee.get(code) ?? [];
  };
  /** Communes of the postcode whose name is the place's commune (or the only one). */
  const namedMatches = async (place: Pick<Place, 'code_postal' | 'commune'>) => {
    if (!byPostcode.has(place.code_postal))
      byPostcode.set(place.code_postal, await communesByPostcode(db, place.code_postal));
    const all = byPostcode.get(place.code_postal) ?? [];
    const key = communeKey(place.commune);
    const named = all.filter((c) => communeKey(c.name) === key || communeKey(c.name).startsWith(`${key} `));
    return named.length > 0 ? named : all.length === 1 ? all : [];
  };
  const spreadOf = async (code: string, center: { lat: number; lon: number }) => {
    if (!spreads.has(code)) {
      const points = await db.query<{ latitude: number; longitude: number }>(
        'SELECT latitude, longitude FROM communes WHERE code_insee = $1 AND latitude IS NOT NULL',
        [code],
      );
      spreads.set(code, Math.max(0, ...points.map((p) => distanceKm(center, { lat: p.latitude, lon: p.longitude }))));
    }
    return spreads.get(code) ?? 0;
  };

  return {
    /** Whether the gazetteer knows this INSEE code. */
    async knowsInsee(code: string): Promise<boolean> {
      return (await inseeMatches(code)).length > 0;
    },
    /** The INSEE code the postcode and commune name designate, when they designate exactly one. */
    async deriveInsee(place: Pick<Place, 'code_postal' | 'commune'>): Promise<string | null> {
      const codes = new Set((await namedMatches(place)).map((c) => c.codeInsee));
      return codes.size === 1 ? ([...codes][0] as string) : null;
    },
    /** The place's commune (by INSEE code, else postcode and name), its point and allowed distance. */
    async reference(place: Pick<Place, 'code_postal' | 'commune' | 'code_insee'>): Promise<CommuneReference | null> {
      let candidates = place.code_insee ? await inseeMatches(place.code_insee) : [];
      if (candidates.length === 0) candidates = await namedMatches(place);
      const c = candidates.find((m) => m.latitude !== null && m.longitude !== null);
      if (!c) return null;
      const center = { lat: c.latitude as number, lon: c.longitude as number };
      return {
        codeInsee: c.codeInsee,
        name: c.name,
        ...center,
        allowedKm: allowedDistanceKm(c.codeInsee, await spreadOf(c.codeInsee, center)),
      };
    },
  };
}
