/**
 * « Où puis-je me faire aider près de chez moi ? » — resolves where, runs the search, and
 * describes each result's opening hours for now, in Paris time.
 */
import type { Clock } from '../../../platform/clock.ts';
import type { Queryable } from '../../../platform/db/database.ts';
import { RuleError } from '../../../platform/http/errors.ts';
import { parisDate } from '../../../platform/print/index.ts';
import { type Candidate, resolveLocation } from '../gazetteer/resolve-location.ts';
import { minuteOfWeekInParis } from '../opening-hours.ts';
import { foldText } from '../text.ts';
import type { SearchCriteria } from './search-criteria.ts';
import { type SearchRow, type SearchSpec, searchPlacesJson, searchPlacesSql } from './search-repository.ts';

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

type Resolved =
  | { kind: 'ok'; where: { label: string; latitude: number; longitude: number } | null; spec: SearchSpec }
  | { kind: 'ambiguous'; query: string; candidates: Candidate[] }
  | { kind: 'unknown'; query: string; suggestions: Candidate[] };

type SearchDeps = { db: Queryable; clock: Clock; passPlaceIds?: (() => Promise<string[]>) | undefined };

/** Where to search around and the SQL specification of the search. */
async function resolve(deps: SearchDeps, criteria: SearchCriteria): Promise<Resolved> {
  let where: { label: string; latitude: number; longitude: number } | null = null;
  if (criteria.position) {
    where = { label: 'votre position', ...criteria.position };
  } else if (criteria.commune) {
    const location = await resolveLocation(deps.db, criteria.commune);
    if (location.kind === 'ambiguous') return location;
    if (location.kind === 'unknown') return location;
    if (location.kind === 'unlocated') return { kind: 'unknown', query: criteria.commune, suggestions: [] };
    where = { label: location.label, latitude: location.latitude, longitude: location.longitude };
  }
  const words = criteria.q
    ? foldText(criteria.q)
        .split(' ')
        .filter((w) => w.length > 0)
        .slice(0, 8)
    : [];
  return {
    kind: 'ok',
    where,
    spec: {
      ...(where
        ? { center: { latitude: where.latitude, longitude: where.longitude }, radiusM: criteria.radiusKm * 1000 }
        : {}),
      words,
      filters: criteria.filters as Record<string, string[]>,
      ...(criteria.openNow ? { openMinute: minuteOfWeekInParis(deps.clock()), today: parisDate(deps.clock()) } : {}),
      ...(criteria.passNumerique ? { onlyIds: (await deps.passPlaceIds?.()) ?? [] } : {}),
      limit: criteria.perPage,
      offset: (criteria.page - 1) * criteria.perPage,
    },
  };
}

function pagesOf(total: number, criteria: SearchCriteria): number {
  const pages = Math.ceil(total / criteria.perPage);
  if (criteria.page > 1 && criteria.page > pages) throw new PageOutOfRangeError(criteria.page, pages);
  return pages;
}

export async function searchPlaces(deps: SearchDeps, criteria: SearchCriteria): Promise<SearchOutcome> {
  const resolved = await resolve(deps, criteria);
  if (resolved.kind !== 'ok') return resolved;
  const { total, rows } = await searchPlacesSql(deps.db, resolved.spec);
  return {
    kind: 'results',
    where: resolved.where,
    total,
    page: criteria.page,
    pages: pagesOf(total, criteria),
    results: rows.map((place) => ({
      place,
      distanceKm: place.distance_km === null ? null : Math.round(place.distance_km * 10) / 10,
    })),
  };
}

/** The same search for the API, each result already in its JSON form. */
export async function searchPlacesAsJson(
  deps: SearchDeps,
  criteria: SearchCriteria,
): Promise<
  | {
      kind: 'results';
      where: { label: string; latitude: number; longitude: number } | null;
      total: number;
      page: number;
      pages: number;
      items: string[];
    }
  | { kind: 'ambiguous'; query: string; candidates: Candidate[] }
  | { kind: 'unknown'; query: string; suggestions: Candidate[] }
> {
  const resolved = await resolve(deps, criteria);
  if (resolved.kind !== 'ok') return resolved;
  const { total, items } = await searchPlacesJson(deps.db, resolved.spec);
  return { kind: 'results', where: resolved.where, total, page: criteria.page, pages: pagesOf(total, criteria), items };
}
