/** normaliseRow on real files, and its idempotence. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { looksLikeFormula } from '../../../platform/print/csv.ts';
import { ENUMS, type EnumField, type Place, toStandardRow, validateStandardRow } from '../standard.ts';
import { type NormaliseResult, normaliseRow } from './normalise-row.ts';
import { type ReadResult, readPlacesFile } from './read-file.ts';

const today = '2026-11-22';
const shared = (name: string) => readFileSync(path.resolve('../shared/data/lieux', name));
const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, 'fixtures', name));

function rowsOf(result: ReadResult) {
  if (!result.ok) throw new Error(result.error);
  return result.rows;
}

describe('the PACA export of 2023-05-17 (646 places)', () => {
  const rows = rowsOf(readPlacesFile(shared('lieux-paca-2023-05-17.json'), 'lieux-paca-2023-05-17.json'));
  const results = rows.map((row) => ({ row, result: normaliseRow(row.values, { today }) }));
  const places = results.flatMap(({ result }) => (result.ok ? [result.place] : []));
  const corrections = results.flatMap(({ result }) => (result.ok ? result.corrections : []));
  const count = (pattern: RegExp) => corrections.filter((c) => pattern.test(c.message)).length;

  it('accepts every row: its problems are all normalisable', () => {
    expect(results).toHaveLength(646);
    expect(results.filter(({ result }) => !result.ok).map(({ result }) => !result.ok && result.errors)).toEqual([]);
    expect(places).toHaveLength(646);
  });

  it('maps the old labels_nationaux to the dispositifs of v1.0.2', () => {
    const both = results.filter(({ row }) => row.values.dispositif_programmes_nationaux === 'CNFS;France Services');
    expect(both).toHaveLength(89);
    for (const { result } of both) {
      expect(result.ok && result.place.dispositif_programmes_nationaux).toEqual([
        'Conseillers numériques',
        'France Services',
      ]);
    }
    expect(places.filter((p) => p.dispositif_programmes_nationaux.includes('Conseillers numériques'))).toHaveLength(
      353,
    );
    expect(places.filter((p) => p.dispositif_programmes_nationaux.includes('France Services'))).toHaveLength(207);
    expect(count(/^« CNFS » remplacé par « Conseillers numériques »\.$/)).toBe(353);
  });

  it('reads the old publics_accueillis: all its lists include « Adultes », so no specific public', () => {
    expect(count(/^Ancien champ publics_accueillis : « Adultes » veut dire tout public/)).toBe(125);
    expect(places.filter((p) => p.publics_specifiquement_adresses.length > 0)).toHaveLength(27);
  });

  it('keeps the places without coordinates and the curly apostrophes as written', () => {
    expect(places.filter((p) => p.latitude === null && p.longitude === null)).toHaveLength(4);
    const curly = places.filter((p) => p.nom.includes('’') || p.adresse.includes('’'));
    expect(curly.length).toBeGreaterThanOrEqual(15);
  });

  it('notes the placeholders: unknown update dates, zero SIRET, duplicated services, extra spaces', () => {
    expect(count(/^Date de mise à jour inconnue \(1970-01-01\)/)).toBe(99);
    expect(places.filter((p) => p.date_maj === '1970-01-01')).toHaveLength(99);
    expect(count(/^Le pivot 00000000000000 n'identifie aucune structure/)).toBe(646);
    expect(count(/^Doublon retiré/)).toBe(21);
    expect(count(/^Espaces en trop retirés\.$/)).toBe(3);
    expect(corrections).toHaveLength(646 + 353 + 125 + 99 + 89 + 21 + 3);
  });

  it('exports every place as a row that validates against the standard', () => {
    const problems = places.flatMap((p) => validateStandardRow(toStandardRow(p)).map((m) => `${p.id}: ${m}`));
    expect(problems).toEqual([]);
  });
});

describe('the example of the standard', () => {
  it('is accepted unchanged', () => {
    const [row] = rowsOf(readPlacesFile(shared('exemple-valide.csv'), 'exemple-valide.csv'));
    const result = normaliseRow(row?.values ?? {}, { today });
    expect(result).toMatchObject({ ok: true, corrections: [] });
    if (result.ok) expect(toStandardRow(result.place)).toEqual(row?.values);
  });
});

describe('the fixtures', () => {
  it('normalises a Windows-1252 export from a French spreadsheet', () => {
    const rows = rowsOf(readPlacesFile(fixture('lieux-windows-1252.csv'), 'lieux.csv'));
    const [first, second] = rows.map((r) => normaliseRow(r.values, { today }));
    expect(first).toMatchObject({
      ok: true,
      place: {
        nom: 'Médiathèque de l’Étoile',
        code_postal: '06000',
        code_insee: '06088',
        latitude: 43.7031,
        longitude: 7.2661,
        telephone: '+33493620303',
        date_maj: '2023-05-17',
        frais_a_charge: ['Gratuit'],
        dispositif_programmes_nationaux: ['Conseillers numériques'],
      },
    });
    expect(second).toMatchObject({
      ok: true,
      place: { telephone: '+33442443000', nom: 'Espace numérique « Les Crêtes »' },
    });
  });

  it('rejects the short row of the semicolon file with its line number', () => {
    const rows = rowsOf(readPlacesFile(fixture('lieux-point-virgule.csv'), 'lieux.csv'));
    const outcomes = rows.map((r) => ({ line: r.line, result: normaliseRow(r.values, { today }) }));
    expect(outcomes[0]?.result).toMatchObject({ ok: true, place: { horaires: 'Mo 09:00-12:00\nTu 14:00-17:00' } });
    expect(outcomes[1]).toMatchObject({ line: 4, result: { ok: false, errors: [{ field: 'ligne' }] } });
  });
});

// ——— Idempotence ———

const word = fc.stringMatching(/^[A-Za-zÀ-ÿ0-9'’«»().\-/]{1,12}$/);
const line = fc.array(word, { minLength: 1, maxLength: 6 }).map((ws) => ws.join(' '));
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });
const subset = <F extends EnumField>(field: F) => fc.subarray([...ENUMS[field]]) as fc.Arbitrary<Place[F]>;
const date = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date(`${today}T00:00:00Z`), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
const url = fc.stringMatching(/^https:\/\/(www\.)?[a-z]{1,10}\.(fr|org)(\/[a-z0-9-]{0,10})?$/);
const coordinates = fc.option(
  fc.tuple(fc.double({ min: 41.5, max: 51, noNaN: true }), fc.double({ min: -4.5, max: 9.5, noNaN: true })),
  { nil: null },
);

const placeArb: fc.Arbitrary<Place> = fc
  .record({
    id: fc.stringMatching(/^[a-z0-9-]{1,20}$/),
    pivot: fc.stringMatching(/^[a-zA-Z0-9]{9,14}$/).filter((p) => !/^0+$/.test(p)),
    nom: line,
    commune: line,
    code_postal: fc.stringMatching(/^\d{5}$/),
    code_insee: optional(fc.stringMatching(/^([013-9]\d|2[AB1-9])\d{3}$/)),
    adresse: line,
    complement_adresse: optional(line),
    coordinates,
    typologie: fc.uniqueArray(fc.stringMatching(/^[A-Z_]{2,10}$/), { maxLength: 3 }),
    telephone: optional(fc.stringMatching(/^(\+33[1-9]\d{8}|\+590590\d{6}|\+687\d{6})$/)),
    courriels: fc.uniqueArray(fc.stringMatching(/^[a-z]{1,8}@[a-z]{1,8}\.fr$/), { maxLength: 2 }),
    site_web: fc.uniqueArray(url, { maxLength: 2 }),
    horaires: optional(fc.constantFrom('Mo-Fr 09:00-12:00', 'Tu,Th 14:00-17:00; Sa 09:00-12:00', 'lundi matin')),
    presentation_resume: optional(line),
    presentation_detail: optional(fc.array(line, { minLength: 1, maxLength: 3 }).map((ls) => ls.join('\n'))),
    source: optional(line),
    itinerance: subset('itinerance'),
    structure_parente: optional(line),
    date_maj: date.filter((d) => d !== '1970-01-01'),
    services: subset('services'),
    publics_specifiquement_adresses: subset('publics_specifiquement_adresses'),
    prise_en_charge_specifique: subset('prise_en_charge_specifique'),
    frais_a_charge: subset('frais_a_charge'),
    dispositif_programmes_nationaux: subset('dispositif_programmes_nationaux'),
    formations_labels: subset('formations_labels'),
    autres_formations_labels: optional(line),
    modalites_acces: subset('modalites_acces'),
    modalites_accompagnement: subset('modalites_accompagnement'),
    fiche_acces_libre: optional(url),
    prise_rdv: optional(url),
  })
  // (+ 0 turns -0 into 0: a CSV cannot tell them apart.)
  .map(({ coordinates: c, ...rest }) => ({ ...rest, latitude: c ? c[0] + 0 : null, longitude: c ? c[1] + 0 : null }))
  // Text the import keeps as it is: an active formula (« -) ( », ADR 0016) is dropped as a correction.
  .filter((place) => !Object.values(place).some((v) => typeof v === 'string' && looksLikeFormula(v)));

function expectSamePlace(result: NormaliseResult, place: Place) {
  expect(result).toEqual({ ok: true, place, corrections: [] });
}

describe('idempotence', () => {
  it('gives back a normalised place unchanged, with no correction', () => {
    fc.assert(
      fc.property(placeArb, (place) => {
        const row = toStandardRow(place);
        expect(validateStandardRow(row)).toEqual([]);
        expectSamePlace(normaliseRow(row, { today }), place);
      }),
      { numRuns: 300 },
    );
  });

  const messy = fc.record({
    id: fc.constantFrom('a', ' b '),
    pivot: fc.constantFrom('434 933 123 00029', '43493312300029'),
    nom: fc.constantFrom('  Espace  numérique ', 'Point d’accès'),
    commune: fc.constant('Nice'),
    code_postal: fc.constantFrom('6000', 6000, '06 000'),
    code_insee: fc.constantFrom('6088', '', '2a004'),
    adresse: fc.constant('1 rue X'),
    latitude: fc.constantFrom('43,7', 43.7, '7.26', ''),
    longitude: fc.constantFrom('7,26', 7.26, '43.7', ''),
    telephone: fc.constantFrom('04 92 31 43 87', '0033 4 92 31 43 87', '0590 82 12 34', 'NULL'),
    courriels: fc.constantFrom('a@b.fr; c@d.fr', 'mailto:a@b.fr', 'a@b.fr a@b.fr'),
    site_web: fc.constantFrom('www.exemple.fr', 'https://a.fr; https://b.fr'),
    presentation_resume: fc.constantFrom('Court.', 'Long texte '.repeat(40)),
    date_maj: fc.constantFrom('17/05/2023', '2023-05-17T10:00:00Z', '1970-01-01'),
    services: fc.constantFrom(
      'aide aux demarches administratives;Prendre en main un ordinateur',
      'Accéder à du matériel',
    ),
    frais_a_charge: fc.constantFrom('gratuit', 'Accepte le Pass numérique', "Payant : L'accès est payant"),
    dispositif_programmes_nationaux: fc.constantFrom('CNFS;France Services', 'Fabriques de Territoire', 'APTIC'),
    publics_accueillis: fc.constantFrom('Adultes;Jeunes (16-26 ans)', 'Jeunes (16-26 ans);Surdité', undefined),
    modalites_accompagnement: fc.constantFrom("Seul : j'ai accès à du matériel;Avec de l'aide", 'atelier'),
  });

  it('normalises a messy row once: exporting and reading it again changes nothing', () => {
    fc.assert(
      fc.property(messy, (values) => {
        const first = normaliseRow(values, { today });
        if (!first.ok) return; // e.g. a latitude without longitude
        const again = normaliseRow(toStandardRow(first.place), { today });
        const stillNoted = first.place.date_maj === '1970-01-01' ? 1 : 0;
        expect(again.ok && again.place).toEqual(first.place);
        expect(again.ok && again.corrections.length).toBe(stillNoted);
      }),
      { numRuns: 300 },
    );
  });
});
