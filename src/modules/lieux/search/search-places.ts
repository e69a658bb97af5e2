/**
 * « Où puis-je me faire aider près de chez moi ? » — resolves where, runs the search, and
 * describes each result's opening hours for now, in Paris time.
 */
import type { Clock } from '../../../platform/clock.ts';
import type { Queryable } from '../../../platform/db/database.ts';
import { RuleError } from '../../../platform/http/errors.ts';
import { type Candidate, resolveLocation } from '../gazetteer/resolve-location.ts';
import { minuteOfWeekInParis } from '../opening-hours.ts';
import { foldText } from '../text.ts';
import type { SearchCriteria } from './search-criteria.ts';
import { type SearchRow, searchPlacesSql } from './search-repository.ts';

export interface SearchResult {
  place: SearchRow;
  distanceKm: number | null;
}

export type SearchOutcome =
  | {
      kind: 'results';
      where: { label: string; latitude: number; longitude: number } | null;
      total: number;
      page: number;
      pages: number;
      results: SearchResult[];
    }
  | { kind: 'ambiguous'; query: string; candidates: Candidate[] }
  | { kind: 'unknown'; query: string; suggestions: Candidate[] };

export class PageOutOfRangeError extends RuleError {
  constructor(
    readonly page: number,
    readonly pages: number,
  ) {
    super(
      'page_out_of_range',
      pages === 0
        ? `La page ${page} n'existe pas : cette recherche n'a aucun résultat.`
        : `La page ${page} n'existe pas : il y a ${pages} page${pages > 1 ? 's' : ''} de résultats.`,
      400,
    );
  }
}

export async function searchPlaces(
  deps: { db: Queryable; clock: Clock; passPlaceIds?: (() => Promise<string[]>) | undefined },
  criteria: SearchCriteria,
): Promise<SearchOutcome> {
  let where: { label: string; latitude: number; longitude: number } | null = null;
  if (criteria.position) {
    where = { label: 'votre position', ...criteria.position };
  } else if (criteria.commune) {
    const location = await resolveLocation(deps.db, criteria.commune);
    if (location.kind === 'ambiguous') return location;
    if (location.kind === 'unknown') return location;
    if (location.kind === 'unlocated') {
      return { kind: 'unknown', query: criteria.commune, suggestions: [] };
    }
    where = { label: location.label, latitude: location.latitude, longitude: location.longitude };
  }
  const now = deps.clock();
  const words = criteria.q
    ? foldText(criteria.q)
        .split(' ')
        .filter((w) => w.length > 0)
        .slice(0, 8)
    : [];
  const { total, rows } = await searchPlacesSql(deps.db, {
    ...(where
      ? { center: { latitude: where.latitude, longitude: where.longitude }, radiusM: criteria.radiusKm * 1000 }
      : {}),
    words,
    filters: criteria.filters as Record<string, string[]>,
    ...(criteria.openNow ? { openMinute: minuteOfWeekInParis(now) } : {}),
    ...(criteria.passNumerique ? { onlyIds: (await deps.passPlaceIds?.()) ?? [] } : {}),
    limit: criteria.perPage,
    offset: (criteria.page - 1) * criteria.perPage,
  });
  const pages = Math.ceil(total / criteria.perPage);
  if (criteria.page > 1 && criteria.page > pages) throw new PageOutOfRangeError(criteria.page, pages);
  return {
    kind: 'results',
    where,
    total,
    page: criteria.page,
    pages,
    results: rows.map((place) => ({
      place,
      distanceKm: place.distance_km === null ? null : Math.round(place.distance_km * 10) / 10,
    })),
  };
}
