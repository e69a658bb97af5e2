/**
 * Territories: lists of départements and communes (INSEE codes). An organisation has one (set by
 * a platform administrator only); a place lies in one commune of one département; a programme
 * covers one. Pure functions, so that a policy decides without the database; `coversSql` writes
 * the same test for a repository's WHERE clause.
 *
 * The codes are trusted here: they were checked against the gazetteer when they were stored.
 */

export interface Territory {
  /** Codes of départements: '83', '2A', '971'. */
  readonly departements: readonly string[];
  /** INSEE codes of communes: '83137'. */
  readonly communes: readonly string[];
}

/** Where one thing is: a place's département, and its commune when known. */
export interface Location {
  readonly departement: string;
  readonly commune: string | null;
}

export const NO_TERRITORY: Territory = Object.freeze({ departements: [], communes: [] });

/** The département of a commune, from its INSEE code ('83137' → '83', '97411' → '974', '2A004' → '2A'). */
export function departementOfCommune(codeInsee: string): string {
  return codeInsee.startsWith('97') || codeInsee.startsWith('98') ? codeInsee.slice(0, 3) : codeInsee.slice(0, 2);
}

export function isEmptyTerritory(t: Territory): boolean {
  return t.departements.length === 0 && t.communes.length === 0;
}

/** Whether a location lies inside the territory. Nothing lies inside an empty territory. */
export function covers(t: Territory, at: Location): boolean {
  return t.departements.includes(at.departement) || (at.commune !== null && t.communes.includes(at.commune));
}

function coversCommune(t: Territory, commune: string): boolean {
  return covers(t, { departement: departementOfCommune(commune), commune });
}

/**
 * Whether every part of `inner` lies inside `outer` (a programme inside its coordinator's
 * territory, a structure inside a coordinator's). An empty `inner` lies nowhere: a thing with no
 * territory is inside nobody's.
 */
export function contains(outer: Territory, inner: Territory): boolean {
  if (isEmptyTerritory(inner)) return false;
  return (
    inner.departements.every((d) => outer.departements.includes(d)) &&
    inner.communes.every((c) => coversCommune(outer, c))
  );
}

/** Whether two territories share at least one commune. */
export function overlaps(a: Territory, b: Territory): boolean {
  return (
    a.departements.some((d) => b.departements.includes(d)) ||
    a.communes.some((c) => coversCommune(b, c)) ||
    b.communes.some((c) => coversCommune(a, c))
  );
}

/** One territory made of several, without repetition, communes already inside a listed département left out. */
export function unionOf(territories: readonly Territory[]): Territory {
  const departements = [...new Set(territories.flatMap((t) => t.departements))].sort();
  const communes = [...new Set(territories.flatMap((t) => t.communes))]
    .filter((c) => !departements.includes(departementOfCommune(c)))
    .sort();
  return { departements, communes };
}

/** The same territory written the canonical way (sorted, no repetition, no commune inside a listed département). */
export function normaliseTerritory(t: Territory): Territory {
  return unionOf([t]);
}

/**
 * SQL condition (both engines): the location given by the two SQL expressions lies in the
 * territory passed as two text[] parameters. `departementsParam`/`communesParam` are
 * placeholders such as '$2'.
 */
export function coversSql(
  at: { departement: string; commune: string },
  departementsParam: string,
  communesParam: string,
): string {
  return `(${at.departement} = ANY(${departementsParam}::text[]) OR ${at.commune} = ANY(${communesParam}::text[]))`;
}

/** SQL expression: the département of the commune whose INSEE code is `codeInseeExpr` (see departementOfCommune). */
export function departementOfCommuneSql(codeInseeExpr: string): string {
  return `CASE WHEN left(${codeInseeExpr}, 2) IN ('97', '98') THEN left(${codeInseeExpr}, 3) ELSE left(${codeInseeExpr}, 2) END`;
}

/**
 * SQL condition: the territory stored in two text[] columns overlaps the territory passed as two
 * text[] parameters (see overlaps).
 */
export function overlapsSql(
  columns: { departements: string; communes: string },
  departementsParam: string,
  communesParam: string,
): string {
  const d = `${departementsParam}::text[]`;
  const c = `${communesParam}::text[]`;
  return `(${columns.departements} && ${d} OR ${columns.communes} && ${c}
    OR EXISTS (SELECT 1 FROM unnest(${columns.communes}) AS tc(code) WHERE ${departementOfCommuneSql('tc.code')} = ANY(${d}))
    OR EXISTS (SELECT 1 FROM unnest(${c}) AS pc(code) WHERE ${departementOfCommuneSql('pc.code')} = ANY(${columns.departements})))`;
}

/**
 * SQL condition: the territory stored in two text[] columns is non-empty and lies inside the
 * territory passed as parameters (see contains).
 */
export function containedSql(
  columns: { departements: string; communes: string },
  departementsParam: string,
  communesParam: string,
): string {
  const d = `${departementsParam}::text[]`;
  const c = `${communesParam}::text[]`;
  return `(cardinality(${columns.departements}) + cardinality(${columns.communes}) > 0
    AND ${columns.departements} <@ ${d}
    AND NOT EXISTS (SELECT 1 FROM unnest(${columns.communes}) AS tc(code)
                    WHERE NOT (tc.code = ANY(${c}) OR ${departementOfCommuneSql('tc.code')} = ANY(${d}))))`;
}

/** What a territory form typed (names and numbers, never INSEE codes) resolves to. */
export type TerritoryResolution =
  | { ok: true; territory: Territory }
  | { ok: false; errors: { departements?: string; communes?: string } };

/** A stored territory in words, and as a territory form's two fields would hold it. */
export interface TerritoryDescription {
  departements: string[];
  communes: string[];
  asInput: { departements: string; communes: string };
}

/**
 * The port through which a module reads and writes territories without depending on the module
 * that owns the gazetteer (lieux): app.ts wires lieux's implementation.
 */
export interface TerritoryGazetteer {
  resolve(input: { departements: string; communes: string }): Promise<TerritoryResolution>;
  describe(territory: Territory): Promise<TerritoryDescription>;
}
