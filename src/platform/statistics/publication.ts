/**
 * The one public shape of statistics (PRODUCT.md §5), shared by every module that publishes
 * figures (orientation, accompagnements, later indicators):
 * `{ seuil, territoire, periode, series: [{ dimension, valeur, nombre }], indicateurs }`.
 * Every count below the threshold is published as `null` so that a small group of people can
 * not be singled out; rates, medians and shares go under `indicateurs`, with names that are not
 * counts, and must themselves be computed only from groups at or above the threshold.
 */

/** Counts under this are never published (a common rule of French public statistics). */
export const PUBLICATION_THRESHOLD = 10;

export interface CountRow {
  dimension: string;
  valeur: string;
  nombre: number;
}

export interface PublishedSeries {
  dimension: string;
  valeur: string;
  nombre: number | null;
}

export interface Publication<I extends Record<string, unknown> = Record<string, unknown>> {
  seuil: number;
  territoire: string;
  periode: { debut: string | null; fin: string | null; [key: string]: unknown };
  series: PublishedSeries[];
  indicateurs: I;
}

/** A count as it may be published: itself when at or above the threshold, otherwise null. */
export function publishableCount(n: number, threshold = PUBLICATION_THRESHOLD): number | null {
  return Number.isFinite(n) && n >= threshold ? n : null;
}

/**
 * A share (0–1) as it may be published: only when its denominator reaches the threshold;
 * rounded to 3 decimals.
 */
export function publishableShare(part: number, whole: number, threshold = PUBLICATION_THRESHOLD): number | null {
  if (!Number.isFinite(whole) || whole < threshold || whole <= 0) return null;
  return Math.round((part / whole) * 1000) / 1000;
}

export function publish<I extends Record<string, unknown>>(input: {
  territoire: string | null;
  periode: Publication['periode'];
  counts: readonly CountRow[];
  indicateurs: I;
  threshold?: number;
}): Publication<I> {
  const seuil = input.threshold ?? PUBLICATION_THRESHOLD;
  return {
    seuil,
    territoire: input.territoire ?? 'France',
    periode: input.periode,
    series: input.counts.map((c) => ({
      dimension: c.dimension,
      valeur: c.valeur,
      nombre: publishableCount(c.nombre, seuil),
    })),
    indicateurs: input.indicateurs,
  };
}
