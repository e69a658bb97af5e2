/**
 * « Which rows may this actor see? » — the second question every policy answers (the first is
 * « may this actor do X to this resource? », see policy.ts). The answer is data: either every
 * row (the platform administrator), or the rows of some organisations — one list per kind of
 * link the rows have with an organisation, e.g. `{ funder: [...], structure: [...] }` — plus
 * the rows located in a territory (a coordinator's). A repository turns it into a WHERE clause
 * with `scopeParams`; `inScope` checks one row the same way, so that a rule written as
 * « the row is in the actor's scope » says exactly what the list shows.
 */
import {
  contains,
  covers,
  isEmptyTerritory,
  type Location,
  NO_TERRITORY,
  overlaps,
  type Territory,
} from './territory.ts';

export type Scope<K extends string> =
  | { readonly all: true }
  | {
      readonly all: false;
      readonly organisations: { readonly [key in K]: readonly string[] };
      readonly territory: Territory;
    };

export function allRows<K extends string>(): Scope<K> {
  return { all: true };
}

export function someRows<K extends string>(
  organisations: { readonly [key in K]: readonly string[] },
  territory: Territory = NO_TERRITORY,
): Scope<K> {
  return { all: false, organisations, territory };
}

/** True when the scope lets nothing through (a repository may skip the query). */
export function seesNothing<K extends string>(scope: Scope<K>): boolean {
  return (
    !scope.all &&
    Object.values<readonly string[]>(scope.organisations).every((ids) => ids.length === 0) &&
    isEmptyTerritory(scope.territory)
  );
}

/**
 * One row as a scope sees it: its organisations by kind of link, and where it is — a point
 * (`at`, a place: inside the scope's territory), an area that counts when it overlaps the
 * scope's territory (`area`, a programme), or one that counts only when wholly inside it
 * (`within`, an organisation's territory).
 */
export interface ScopedRow<K extends string> {
  readonly organisations?: { readonly [key in K]?: string | null };
  readonly at?: Location | null;
  readonly area?: Territory | null;
  readonly within?: Territory | null;
}

export function inScope<K extends string>(scope: Scope<K>, row: ScopedRow<K>): boolean {
  if (scope.all) return true;
  for (const key of Object.keys(scope.organisations) as K[]) {
    const id = row.organisations?.[key];
    if (id && scope.organisations[key].includes(id)) return true;
  }
  if (row.at && covers(scope.territory, row.at)) return true;
  if (row.area && overlaps(scope.territory, row.area)) return true;
  if (row.within && contains(scope.territory, row.within)) return true;
  return false;
}

/**
 * The values a repository binds for a scope: `all`, one uuid[] per key, and the territory as
 * two text[]. Typical SQL: `WHERE ($1 OR funder_id = ANY($2::uuid[]) OR … OR <coversSql>)`.
 */
export function scopeParams<K extends string>(
  scope: Scope<K>,
  keys: readonly K[],
): { all: boolean; organisations: Record<K, string[]>; departements: string[]; communes: string[] } {
  const organisations = Object.fromEntries(
    keys.map((k) => [k, scope.all ? [] : [...(scope.organisations[k] ?? [])]]),
  ) as Record<K, string[]>;
  return {
    all: scope.all,
    organisations,
    departements: scope.all ? [] : [...scope.territory.departements],
    communes: scope.all ? [] : [...scope.territory.communes],
  };
}
