/**
 * Places for a result: always the nearest ones, never filtered on what they offer (a strict
 * filter would leave a person with nothing), ranked so that the places meeting the most
 * needs come first (weights in besoins.json), then by distance. « Ouvert maintenant » is
 * shown on each card, never required (at night every place is closed).
 */
import type { NearbyPlace } from '../lieux/index.ts';
import { needsData, type PlaceWishes } from './data.ts';
import type { Need } from './rules.ts';

/** Candidates: the nearest places within this radius… */
export const RADIUS_KM = 30;
export const CANDIDATES = 25;
/** …of which this many are shown (at least the 5 nearest when they exist). */
export const SHOWN = 8;
/** When fewer than MIN_NEAR places are within RADIUS_KM, the nearest ones within FAR_KM. */
export const MIN_NEAR = 5;
export const FAR_KM = 100;

/** What a place offers, as a person reads it (i18n key atout.<key>). */
const STRENGTHS: Array<{ field: keyof PlaceWishes; value: string; key: string }> = [
  { field: 'services', value: 'Aide aux démarches administratives', key: 'demarches' },
  { field: 'dispositif_programmes_nationaux', value: 'France Services', key: 'france_services' },
  { field: 'dispositif_programmes_nationaux', value: 'Aidants Connect', key: 'aidants_connect' },
  { field: 'dispositif_programmes_nationaux', value: 'Conseillers numériques', key: 'conseillers' },
  { field: 'services', value: 'Maîtrise des outils numériques du quotidien', key: 'bases' },
  { field: 'services', value: 'Accès internet et matériel informatique', key: 'materiel' },
  { field: 'services', value: 'Acquisition de matériel informatique à prix solidaire', key: 'materiel' },
  { field: 'modalites_accompagnement', value: 'Dans un atelier collectif', key: 'ateliers' },
  { field: 'modalites_accompagnement', value: 'Accompagnement individuel', key: 'individuel' },
  { field: 'prise_en_charge_specifique', value: 'Illettrisme', key: 'lecture' },
  { field: 'prise_en_charge_specifique', value: 'Langues étrangères (anglais)', key: 'anglais' },
  { field: 'prise_en_charge_specifique', value: 'Langues étrangères (autres)', key: 'langues' },
];

function offered(place: NearbyPlace, field: keyof PlaceWishes): readonly string[] {
  switch (field) {
    case 'services':
      return place.services;
    case 'prise_en_charge_specifique':
      return place.priseEnChargeSpecifique;
    case 'dispositif_programmes_nationaux':
      return place.dispositifProgrammesNationaux;
    case 'modalites_accompagnement':
      return place.modalitesAccompagnement;
  }
}

export interface RankedPlace {
  place: NearbyPlace;
  score: number;
  /** atout.<key>: what this place offers that the person needs, then general strengths. */
  strengths: string[];
  acceptsPass: boolean;
}

export function meetsNeed(place: NearbyPlace, need: Pick<Need, 'places'>): boolean {
  return (Object.entries(need.places) as Array<[keyof PlaceWishes, string[] | undefined]>).some(([field, wished]) =>
    (wished ?? []).some((v) => offered(place, field).includes(v)),
  );
}

export function scorePlace(
  place: NearbyPlace,
  needs: readonly Pick<Need, 'places' | 'weight'>[],
  acceptsPass: boolean,
): RankedPlace {
  const bonus = needsData.ranking;
  let score = 0;
  const wished = new Set<string>();
  for (const need of needs) {
    if (meetsNeed(place, need)) score += need.weight;
    for (const list of Object.values(need.places)) for (const v of list ?? []) wished.add(v);
  }
  const free = place.fraisACharge.includes('Gratuit');
  if (acceptsPass) score += bonus.pass_numerique;
  if (place.ficheAccesLibre) score += bonus.fiche_acces_libre;
  if (free) score += bonus.gratuit;
  const strengths: string[] = [];
  for (const s of STRENGTHS) {
    if (wished.has(s.value) && offered(place, s.field).includes(s.value) && !strengths.includes(s.key)) {
      strengths.push(s.key);
    }
  }
  if (acceptsPass) strengths.push('pass');
  if (free) strengths.push('gratuit');
  if (place.ficheAccesLibre) strengths.push('acces_libre');
  return { place, score, strengths, acceptsPass };
}

/**
 * Ranks the candidates (nearest first as given) and keeps SHOWN of them, best matches first,
 * then nearest; the single nearest place is always kept.
 */
export function rankPlaces(
  candidates: readonly NearbyPlace[],
  needs: readonly Pick<Need, 'places' | 'weight'>[],
  passPlaceIds: ReadonlySet<string>,
  shown = SHOWN,
): RankedPlace[] {
  const ranked = candidates.map((p) => scorePlace(p, needs, passPlaceIds.has(p.id)));
  const order = (a: RankedPlace, b: RankedPlace) =>
    b.score - a.score || a.place.distanceKm - b.place.distanceKm || a.place.id.localeCompare(b.place.id);
  const best = [...ranked].sort(order).slice(0, shown);
  const nearest = ranked[0];
  if (nearest && !best.includes(nearest)) {
    best[best.length - 1] = nearest;
    best.sort(order);
  }
  return best;
}
