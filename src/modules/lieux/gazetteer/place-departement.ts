import { departementOf } from './departements.ts';

/** The département of a place: from its INSEE code, else from its postcode. */
export function departementOfPlace(place: { code_insee: string | null; code_postal: string }): string {
  if (place.code_insee) return departementOf(place.code_insee);
  const cp = place.code_postal;
  if (cp.startsWith('97') || cp.startsWith('98')) return cp.slice(0, 3);
  if (cp.startsWith('20')) return Number(cp.slice(0, 3)) < 202 ? '2A' : '2B';
  return cp.slice(0, 2);
}
