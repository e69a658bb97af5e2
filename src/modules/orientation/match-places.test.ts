/** Ranking: the nearest places, never filtered, best matches first, the nearest always kept. */
import { describe, expect, it } from 'vitest';
import type { NearbyPlace } from '../lieux/index.ts';
import { rankPlaces } from './match-places.ts';
import { detectNeeds } from './rules.ts';

function place(id: string, distanceKm: number, offer: Partial<NearbyPlace> = {}): NearbyPlace {
  return {
    id,
    nom: `Lieu ${id}`,
    adresse: '1 rue',
    complementAdresse: null,
    commune: 'Toulon',
    codePostal: '83000',
    codeInsee: '83137',
    telephone: null,
    horaires: null,
    priseRdv: null,
    services: [],
    priseEnChargeSpecifique: [],
    dispositifProgrammesNationaux: [],
    modalitesAccompagnement: [],
    modalitesAcces: [],
    fraisACharge: [],
    ficheAccesLibre: null,
    organisationId: null,
    distanceKm,
    ...offer,
  };
}

const needs = detectNeeds({
  demarche: 'etranger',
  delai: 'oui',
  equipement: ['smartphone'],
  competences: ['email'],
  lecture: 'facile',
  langue: 'anglais',
  aide: 'avec_moi',
});

describe('rankPlaces', () => {
  it('puts the places that meet the needs first, then the nearest, and keeps places that meet none', () => {
    const candidates = [
      place('a', 0.5),
      place('b', 2, { services: ['Aide aux démarches administratives'] }),
      place('c', 3, {
        services: ['Aide aux démarches administratives'],
        priseEnChargeSpecifique: ['Langues étrangères (anglais)'],
        dispositifProgrammesNationaux: ['France Services'],
      }),
      place('d', 4, { fraisACharge: ['Gratuit'] }),
    ];
    const ranked = rankPlaces(candidates, needs, new Set(['d']));
    expect(ranked.map((r) => r.place.id)).toEqual(['c', 'b', 'd', 'a']);
    expect(ranked[0]?.strengths).toEqual(['demarches', 'france_services', 'anglais']);
    expect(ranked[2]?.strengths).toEqual(['pass', 'gratuit']);
  });

  it('always keeps the nearest place among those shown', () => {
    const candidates = [
      place('near', 0.2),
      ...Array.from({ length: 10 }, (_, i) =>
        place(`m${i}`, 5 + i, { services: ['Aide aux démarches administratives'] }),
      ),
    ];
    const ranked = rankPlaces(candidates, needs, new Set(), 8);
    expect(ranked).toHaveLength(8);
    expect(ranked.map((r) => r.place.id)).toContain('near');
  });
});
