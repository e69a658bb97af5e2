/**
 * The search parameters shared by the API and the search page (so that a page URL and an API
 * URL mean the same thing), validated with messages a person understands.
 */
import { ValidationError } from '../../../platform/http/errors.ts';
import { isInFrance } from '../import/france.ts';
import { ENUMS, type EnumField } from '../standard.ts';
import { foldText } from '../text.ts';

/** Filters named after the standard's enumerated fields. */
export const FILTER_FIELDS = [
  'services',
  'publics_specifiquement_adresses',
  'prise_en_charge_specifique',
  'frais_a_charge',
  'dispositif_programmes_nationaux',
  'formations_labels',
  'modalites_acces',
  'modalites_accompagnement',
  'itinerance',
] as const satisfies readonly EnumField[];
export type FilterField = (typeof FILTER_FIELDS)[number];

export const DEFAULT_RADIUS_KM = 20;
export const MAX_RADIUS_KM = 200;
export const MAX_PER_PAGE = 100;

export interface SearchCriteria {
  position?: { latitude: number; longitude: number };
  commune?: string;
  q?: string;
  radiusKm: number;
  filters: Partial<Record<FilterField, string[]>>;
  openNow: boolean;
  /** Only places that accept the Pass numérique. */
  passNumerique: boolean;
  page: number;
  perPage: number;
}

function values(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  const list = Array.isArray(v) ? v : [v];
  return list.map((x) => String(x).trim()).filter((x) => x.length > 0);
}

function single(query: Record<string, unknown>, name: string): string | undefined {
  const list = values(query[name]);
  return list.length > 0 ? list[list.length - 1] : undefined;
}

function number(text: string | undefined, field: string, errors: Record<string, string>): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text.replace(',', '.'));
  if (!Number.isFinite(n)) {
    errors[field] = `« ${text.slice(0, 40)} » n'est pas un nombre.`;
    return undefined;
  }
  return n;
}

function integer(
  text: string | undefined,
  field: string,
  min: number,
  max: number,
  fallback: number,
  errors: Record<string, string>,
): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max) {
    errors[field] = `Le paramètre ${field} doit être un nombre entier entre ${min} et ${max}.`;
    return fallback;
  }
  return n;
}

/** Accepts a standard value typed with another case or without accents; refuses the rest. */
function canonicalValue(field: FilterField, value: string): string | undefined {
  const allowed = ENUMS[field] as readonly string[];
  if (allowed.includes(value)) return value;
  const folded = foldText(value);
  return allowed.find((a) => foldText(a) === folded);
}

export function parseSearchQuery(query: Record<string, unknown>, options: { requireWhere: boolean }): SearchCriteria {
  const errors: Record<string, string> = {};
  const latitude = number(single(query, 'latitude'), 'latitude', errors);
  const longitude = number(single(query, 'longitude'), 'longitude', errors);
  const commune = single(query, 'commune')?.slice(0, 100);
  const q = single(query, 'q')?.slice(0, 200);
  let position: SearchCriteria['position'];
  if ((latitude === undefined) !== (longitude === undefined) && !errors.latitude && !errors.longitude) {
    errors.position = 'Donnez la latitude et la longitude ensemble.';
  } else if (latitude !== undefined && longitude !== undefined) {
    if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180) {
      errors.position =
        'Ces coordonnées ne désignent aucun point sur Terre (latitude entre −90 et 90, longitude entre −180 et 180).';
    } else if (!isInFrance(latitude, longitude)) {
      errors.position = 'Cette position est en dehors de la France : seuls des lieux en France sont recensés.';
    } else {
      position = { latitude, longitude };
    }
  }
  if (
    options.requireWhere &&
    !position &&
    !commune &&
    !q &&
    !errors.position &&
    !errors.latitude &&
    !errors.longitude
  ) {
    errors.commune =
      'Indiquez une commune, un code postal, une position (latitude et longitude) ou un texte à chercher (q).';
  }

  const radiusText = single(query, 'rayon_km');
  let radiusKm = DEFAULT_RADIUS_KM;
  if (radiusText !== undefined) {
    const r = Number(radiusText.replace(',', '.'));
    if (!Number.isFinite(r) || r <= 0) errors.rayon_km = 'Le rayon doit être un nombre de kilomètres supérieur à 0.';
    else if (r > MAX_RADIUS_KM) errors.rayon_km = `Le rayon ne peut pas dépasser ${MAX_RADIUS_KM} km.`;
    else radiusKm = r;
  }

  const filters: SearchCriteria['filters'] = {};
  for (const field of FILTER_FIELDS) {
    const list = values(query[field]);
    if (list.length === 0) continue;
    const canonical: string[] = [];
    for (const v of list) {
      const c = canonicalValue(field, v);
      if (c) canonical.push(c);
      else {
        errors[field] =
          `« ${v.slice(0, 60)} » n'est pas une valeur possible pour ${field}. Valeurs possibles : ${(ENUMS[field] as readonly string[]).join(', ')}.`;
      }
    }
    filters[field] = [...new Set(canonical)];
  }

  const ouvert = single(query, 'ouvert');
  if (ouvert !== undefined && ouvert !== 'maintenant' && ouvert !== '') {
    errors.ouvert = 'Le seul filtre d’ouverture possible est ouvert=maintenant.';
  }
  const pass = single(query, 'pass_numerique');
  if (pass !== undefined && pass !== 'oui' && pass !== '') {
    errors.pass_numerique = 'Le filtre pass_numerique ne prend qu’une valeur : oui.';
  }
  const page = integer(single(query, 'page'), 'page', 1, 100_000, 1, errors);
  const perPage = integer(single(query, 'par_page'), 'par_page', 1, MAX_PER_PAGE, 20, errors);

  if (Object.keys(errors).length > 0)
    throw new ValidationError(errors, 'La recherche contient des paramètres invalides.');
  return {
    ...(position ? { position } : {}),
    ...(commune ? { commune } : {}),
    ...(q ? { q } : {}),
    radiusKm,
    filters,
    openNow: ouvert === 'maintenant',
    passNumerique: pass === 'oui',
    page,
    perPage,
  };
}

/** The query string of a search, for links (pagination, "which commune?"). */
export function searchQueryString(
  c: Partial<SearchCriteria> & { filters?: SearchCriteria['filters'] },
  overrides: Record<string, string | undefined> = {},
): string {
  const params = new URLSearchParams();
  if (c.commune) params.set('commune', c.commune);
  if (c.position) {
    params.set('latitude', String(c.position.latitude));
    params.set('longitude', String(c.position.longitude));
  }
  if (c.q) params.set('q', c.q);
  if (c.radiusKm && c.radiusKm !== DEFAULT_RADIUS_KM) params.set('rayon_km', String(c.radiusKm));
  for (const [field, list] of Object.entries(c.filters ?? {})) for (const v of list ?? []) params.append(field, v);
  if (c.openNow) params.set('ouvert', 'maintenant');
  if (c.passNumerique) params.set('pass_numerique', 'oui');
  if (c.perPage && c.perPage !== 20) params.set('par_page', String(c.perPage));
  if (c.page && c.page > 1) params.set('page', String(c.page));
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) params.delete(k);
    else params.set(k, v);
  }
  return params.toString();
}
