/** Columns computed from a place for search and change detection (pure, no database). */
import { createHash } from 'node:crypto';
import { weeklyIntervals } from '../opening-hours.ts';
import { FIELDS, type Place } from '../standard.ts';
import { foldText } from '../text.ts';

export function contentHash(place: Place): string {
  const h = createHash('sha256');
  for (const f of FIELDS) h.update(`${f}=${JSON.stringify(place[f])}\n`);
  return h.digest('hex');
}

export function searchTextOf(place: Place): string {
  return foldText(
    [
      place.nom,
      place.commune,
      place.code_postal,
      place.adresse,
      place.structure_parente ?? '',
      place.presentation_resume ?? '',
      place.typologie.join(' '),
    ].join(' '),
  );
}

export function openMinutesOf(horaires: string | null): string | null {
  const intervals = weeklyIntervals(horaires);
  if (!intervals || intervals.length === 0) return null;
  return `{${intervals.map(([a, b]) => `[${a},${b})`).join(',')}}`;
}
