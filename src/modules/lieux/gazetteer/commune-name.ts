/** The name of a commune from its INSEE code, for modules that store only the code (people). */
import type { Queryable } from '../../../platform/db/database.ts';
import { communesByInsee, communesByInseePrefix } from './communes-repository.ts';

const WHOLE_CITIES: Record<string, { prefix: string; name: string }> = {
  '75056': { prefix: '751', name: 'Paris' },
  '13055': { prefix: '132', name: 'Marseille' },
  '69123': { prefix: '6938', name: 'Lyon' },
};

/** The commune's name, or undefined when the gazetteer does not know the code. */
export async function communeName(db: Queryable, codeInsee: string): Promise<string | undefined> {
  if (!/^[0-9][0-9AB][0-9]{3}$/.test(codeInsee)) return undefined;
  const matches = await communesByInsee(db, codeInsee);
  if (matches[0]) return matches[0].name;
  const city = WHOLE_CITIES[codeInsee];
  if (city && (await communesByInseePrefix(db, city.prefix)).length > 0) return city.name;
  return undefined;
}
