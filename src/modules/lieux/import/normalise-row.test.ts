import { describe, expect, it } from 'vitest';
import type { Place } from '../standard.ts';
import { isInFrance, type NormaliseResult, normaliseRow } from './normalise-row.ts';
import { CELL_COUNT_MISMATCH } from './read-file.ts';

const today = '2026-11-22';
const base: Record<string, unknown> = {
  id: 'lieu-1',
  pivot: '43493312300029',
  nom: 'Médiathèque',
  commune: 'Nice',
  code_postal: '06000',
  adresse: '2 rue de France',
  date_maj: '2024-04-02',
};

function accepted(result: NormaliseResult) {
  if (!result.ok) throw new Error(`Rejected: ${JSON.stringify(result.errors)}`);
  return result;
}
function rejected(result: NormaliseResult) {
  if (result.ok) throw new Error(`Accepted: ${JSON.stringify(result.place)}`);
  return result.errors;
}
const normalise = (change: Record<string, unknown>) => normaliseRow({ ...base, ...change }, { today });

describe('normaliseRow: a clean row', () => {
  it('gives the place with no correction', () => {
    const result = accepted(normaliseRow(base, { today }));
    expect(result.corrections).toEqual([]);
    expect(result.place).toMatchObject({ ...base, code_insee: null, latitude: null, services: [], telephone: null });
  });

  it('ignores unknown columns and accepts lists given as JSON arrays', () => {
    const result = accepted(normalise({ remarque: 'x', services: ['Aide aux démarches administratives'] }));
    expect(result.corrections).toEqual([]);
    expect(result.place.services).toEqual(['Aide aux démarches administratives']);
  });
});

describe('normaliseRow: variants that are normalised and noted', () => {
  it.each<[string, Record<string, unknown>, keyof Place, unknown, string]>([
    ['spaces', { nom: '  Médiathèque   du  Port ' }, 'nom', 'Médiathèque du Port', 'Espaces en trop retirés.'],
    ['placeholder', { complement_adresse: 'NULL' }, 'complement_adresse', null, 'considérée comme vide'],
    ['enum case', { frais_a_charge: 'gratuit' }, 'frais_a_charge', ['Gratuit'], '« gratuit » remplacé par « Gratuit »'],
    [
      'curly apostrophe',
      { dispositif_programmes_nationaux: 'point d’accès numérique caf' },
      'dispositif_programmes_nationaux',
      ["Point d'accès numérique CAF"],
      'remplacé par',
    ],
    [
      'CNFS',
      { dispositif_programmes_nationaux: 'CNFS' },
      'dispositif_programmes_nationaux',
      ['Conseillers numériques'],
      '« CNFS »',
    ],
    [
      'conseiller numérique',
      { dispositif_programmes_nationaux: 'Conseiller numérique' },
      'dispositif_programmes_nationaux',
      ['Conseillers numériques'],
      'remplacé',
    ],
    [
      'Aidants connect',
      { dispositif_programmes_nationaux: 'Aidants connect' },
      'dispositif_programmes_nationaux',
      ['Aidants Connect'],
      'remplacé',
    ],
    [
      'semicolons',
      { dispositif_programmes_nationaux: 'CNFS;France Services' },
      'dispositif_programmes_nationaux',
      ['Conseillers numériques', 'France Services'],
      'Valeurs séparées par « ; » : remplacé par « | ».',
    ],
    [
      'commas',
      { services: 'Aide aux démarches administratives, Loisirs et créations numériques' },
      'services',
      ['Aide aux démarches administratives', 'Loisirs et créations numériques'],
      '« , »',
    ],
    [
      'duplicates',
      { services: 'Aide aux démarches administratives|aide aux demarches administratives' },
      'services',
      ['Aide aux démarches administratives'],
      'Doublon retiré',
    ],
    [
      'Familles/enfants',
      { publics_specifiquement_adresses: 'Familles/enfants' },
      'publics_specifiquement_adresses',
      ['Familles et/ou enfants'],
      'remplacé',
    ],
    [
      'tout public',
      { publics_specifiquement_adresses: 'Tout public' },
      'publics_specifiquement_adresses',
      [],
      'tout public',
    ],
    [
      'old service',
      { services: 'Prendre en main un ordinateur' },
      'services',
      ['Maîtrise des outils numériques du quotidien'],
      'remplacé',
    ],
    [
      'old modality with explanation',
      {
        modalites_accompagnement:
          "Seul : j'ai accès à du matériel et une connexion;Avec de l'aide : je suis accompagné",
      },
      'modalites_accompagnement',
      ['En autonomie', 'Accompagnement individuel'],
      'remplacé',
    ],
    [
      'old fees with a comma inside',
      {
        frais_a_charge:
          "Gratuit sous condition : La gratuité est conditionnée à des critères (situation familiale, convention avec un organisme social...);Payant : L'accès au lieu et/ou à ses services est payant",
      },
      'frais_a_charge',
      ['Gratuit sous condition', 'Payant'],
      'remplacé',
    ],
    [
      'pass numérique',
      { frais_a_charge: 'Accepte le Pass numérique' },
      'autres_formations_labels',
      'Pass numérique (APTIC)',
      'déplacé',
    ],
    [
      'label moved',
      { dispositif_programmes_nationaux: 'Fabriques de Territoire' },
      'formations_labels',
      ['Fabriques de Territoire'],
      'déplacé vers formations_labels',
    ],
    [
      'label spacing',
      { formations_labels: 'Étapes numériques (La Poste)' },
      'formations_labels',
      ['Étapes numériques(La Poste)'],
      'remplacé',
    ],
    [
      'parenthesis',
      { prise_en_charge_specifique: 'Langues étrangères (espagnol)' },
      'prise_en_charge_specifique',
      ['Langues étrangères (autres)'],
      'remplacé',
    ],
    [
      'explanation',
      { modalites_accompagnement: 'À distance (par téléphone ou en visioconférence)' },
      'modalites_accompagnement',
      ['À distance'],
      'remplacé',
    ],
    ['accents', { itinerance: 'itinerant' }, 'itinerance', ['Itinérant'], 'remplacé'],
    ['lost zero', { code_postal: '6190' }, 'code_postal', '06190', 'Zéro initial rétabli : 6190 → 06190.'],
    ['postcode as number', { code_postal: 6190 }, 'code_postal', '06190', 'Zéro initial'],
    ['postcode with space', { code_postal: '06 190' }, 'code_postal', '06190', 'corrigé'],
    ['INSEE lost zero', { code_insee: '6088' }, 'code_insee', '06088', 'Zéro initial'],
    ['Corsica', { code_insee: '2a004' }, 'code_insee', '2A004', 'corrigé'],
    ['pivot spaces', { pivot: '434 933 123 00029' }, 'pivot', '43493312300029', 'Espaces retirés'],
    ['pivot zeros', { pivot: '00000000000000' }, 'pivot', '00000000000000', "n'identifie aucune structure"],
    ['phone', { telephone: '04 92 31 43 87' }, 'telephone', '+33492314387', 'format international'],
    ['phone 0033', { telephone: '0033 4 92 31 43 87' }, 'telephone', '+33492314387', 'format international'],
    ['phone (0)', { telephone: '+33 (0)4 92 31 43 87' }, 'telephone', '+33492314387', 'format international'],
    ['phone dots', { telephone: '04.92.31.43.87' }, 'telephone', '+33492314387', 'format international'],
    ['phone label', { telephone: 'Tél. : 04 92 31 43 87' }, 'telephone', '+33492314387', 'format international'],
    ['phone lost zero', { telephone: 492314387 }, 'telephone', '+33492314387', 'format international'],
    ['Guadeloupe', { telephone: '0590 82 12 34' }, 'telephone', '+590590821234', 'format international'],
    ['Guyane', { telephone: '0694 12 34 56' }, 'telephone', '+594694123456', 'format international'],
    ['Réunion', { telephone: '0262 12 34 56' }, 'telephone', '+262262123456', 'format international'],
    ['Martinique', { telephone: '0596 12 34 56' }, 'telephone', '+596596123456', 'format international'],
    ['Mayotte', { telephone: '0269 61 12 34' }, 'telephone', '+262269611234', 'format international'],
    ['Saint-Pierre', { telephone: '0508 41 23 45' }, 'telephone', '+508412345', 'format international'],
    ['mobile 0687', { telephone: '06 87 12 34 56' }, 'telephone', '+33687123456', 'format international'],
    ['Nouvelle-Calédonie', { telephone: '+687 27 12 34' }, 'telephone', '+687271234', 'format international'],
    ['two phones', { telephone: '04 92 31 43 87 / 06 12 34 56 78' }, 'telephone', '+33492314387', 'Un seul numéro'],
    ['URL scheme', { site_web: 'www.exemple.fr' }, 'site_web', ['https://www.exemple.fr'], 'complété'],
    ['URLs', { site_web: 'https://a.fr; https://b.fr/x' }, 'site_web', ['https://a.fr', 'https://b.fr/x'], 'séparées'],
    [
      'booking URL',
      { prise_rdv: 'rdv-solidarites.fr/lieu/3' },
      'prise_rdv',
      'https://rdv-solidarites.fr/lieu/3',
      'complété',
    ],
    ['e-mails ;', { courriels: 'a@b.fr; c@d.fr' }, 'courriels', ['a@b.fr', 'c@d.fr'], 'séparées'],
    ['e-mails spaces', { courriels: 'a@b.fr  c@d.fr a@b.fr' }, 'courriels', ['a@b.fr', 'c@d.fr'], 'Doublon'],
    ['mailto', { courriels: 'mailto:a@b.fr' }, 'courriels', ['a@b.fr'], 'mailto'],
    ['French date', { date_maj: '17/05/2023' }, 'date_maj', '2023-05-17', 'écrite 2023-05-17'],
    ['date and time', { date_maj: '2023-05-17T10:00:00.000Z' }, 'date_maj', '2023-05-17', 'écrite 2023-05-17'],
    ['1970', { date_maj: '1970-01-01' }, 'date_maj', '1970-01-01', 'Date de mise à jour inconnue'],
    ['short ISO date', { date_maj: '2023-5-7' }, 'date_maj', '2023-05-07', 'écrite 2023-05-07'],
    ['hours', { horaires: ' Mo-Fr 09:00-12:00 ' }, 'horaires', 'Mo-Fr 09:00-12:00', 'Espaces'],
    ['free list', { typologie: 'TIERS_LIEUX;ASSO' }, 'typologie', ['TIERS_LIEUX', 'ASSO'], 'séparées'],
    ['decimal comma', { latitude: '43,7031', longitude: '7,2661' }, 'latitude', 43.7031, 'Virgule décimale'],
    ['swapped', { latitude: 7.2661, longitude: 43.7031 }, 'latitude', 43.7031, 'inversées'],
    ['swapped overseas', { latitude: '-149.5', longitude: '-17.5' }, 'longitude', -149.5, 'inversées'],
    ['zero', { latitude: 0, longitude: 0 }, 'latitude', null, 'Coordonnées 0, 0 ignorées'],
  ])('%s', (_name, change, field, expected, message) => {
    const result = accepted(normalise(change));
    expect(result.place[field]).toEqual(expected);
    expect(result.corrections.map((c) => c.message).join('\n')).toContain(message);
  });

  it('keeps numbers given as strings without noting it', () => {
    const result = accepted(normalise({ latitude: '43.70', longitude: '7.26' }));
    expect([result.place.latitude, result.place.longitude]).toEqual([43.7, 7.26]);
    expect(result.corrections).toEqual([]);
  });

  it('keeps malformed opening hours as written (another module reads them)', () => {
    expect(accepted(normalise({ horaires: 'lundi matin' })).place.horaires).toBe('lundi matin');
  });

  it('cuts a long summary at a word, keeping the full text in presentation_detail', () => {
    const long = `${'Accompagnement aux démarches en ligne. '.repeat(12)}Fin.`;
    const result = accepted(normalise({ presentation_resume: long }));
    const resume = result.place.presentation_resume ?? '';
    expect([...resume].length).toBeLessThanOrEqual(280);
    expect(resume).toMatch(/ligne…$|démarches…$|en…$|aux…$|Accompagnement…$/);
    expect(result.place.presentation_detail).toBe(long.trim());
    const withDetail = accepted(normalise({ presentation_resume: long, presentation_detail: 'Détail.' }));
    expect(withDetail.place.presentation_detail).toBe('Détail.');
    expect(withDetail.corrections[0]?.message).toContain('Résumé raccourci à 280 caractères');
  });

  it.each([
    ['Adultes;Familles/enfants;Jeunes (16-26 ans);Seniors (+ 65 ans)', [], []],
    ['Adultes;Déficience visuelle', [], ['Déficience visuelle']],
    ['Jeunes (16-26 ans);Surdité', ['Jeunes'], ['Surdité']],
    ['Uniquement femmes', ['Femmes'], []],
  ])('reads the old publics_accueillis %j', (legacy, publics, care) => {
    const result = accepted(normalise({ publics_accueillis: legacy, publics_specifiquement_adresses: '' }));
    expect(result.place.publics_specifiquement_adresses).toEqual(publics);
    expect(result.place.prise_en_charge_specifique).toEqual(care);
    expect(result.corrections.every((c) => c.field === 'publics_accueillis')).toBe(true);
    if (legacy.startsWith('Adultes')) expect(result.corrections[0]?.message).toContain('veut dire tout public');
  });
});

describe('normaliseRow: what is rejected', () => {
  it.each<[string, Record<string, unknown>, string, string]>([
    ['no id', { id: '' }, 'id', 'Le champ id est obligatoire.'],
    ['no pivot', { pivot: undefined }, 'pivot', 'obligatoire'],
    ['no name', { nom: '   ' }, 'nom', 'obligatoire'],
    ['no date', { date_maj: null }, 'date_maj', 'obligatoire'],
    [
      'postcode',
      { code_postal: '123' },
      'code_postal',
      'Le champ code_postal doit compter 5 chiffres (reçu : « 123 »).',
    ],
    ['INSEE', { code_insee: '20000' }, 'code_insee', 'code commune INSEE'],
    ['pivot', { pivot: '12-34' }, 'pivot', 'SIRET'],
    ['phone', { telephone: '12 34' }, 'telephone', "n'est pas valide"],
    ['foreign phone', { telephone: '+1 212 555 0100' }, 'telephone', "n'est pas valide"],
    ['itinerance', { itinerance: 'Partout' }, 'itinerance', 'Valeurs acceptées : Itinérant ; Fixe.'],
    [
      'service',
      { services: 'Cuisine|Aide aux démarches administratives' },
      'services',
      "« Cuisine » n'est pas reconnue",
    ],
    ['old public', { publics_accueillis: 'Martiens' }, 'publics_accueillis', "n'est pas reconnue"],
    ['latitude range', { latitude: '91', longitude: '5' }, 'latitude', 'entre -90 et 90'],
    ['longitude range', { latitude: '45', longitude: '-190' }, 'longitude', 'entre -180 et 180'],
    ['not a number', { latitude: 'abc', longitude: '5' }, 'latitude', "« abc » n'est pas un nombre"],
    ['abroad', { latitude: '40.7', longitude: '-74.0' }, 'latitude', 'en dehors de la France'],
    ['latitude alone', { latitude: '43.7' }, 'longitude', 'La latitude est renseignée mais pas la longitude.'],
    ['impossible date', { date_maj: '31/02/2023' }, 'date_maj', "n'est pas une date valide"],
    ['words', { date_maj: 'hier' }, 'date_maj', "n'est pas une date valide"],
    ['future', { date_maj: '2027-01-01' }, 'date_maj', "postérieure à aujourd'hui"],
    ['e-mail', { courriels: 'contact@' }, 'courriels', "L'adresse e-mail « contact@ » n'est pas valide."],
    ['URL', { site_web: 'pas un site' }, 'site_web', "n'est pas une adresse web valide"],
    ['script', { prise_rdv: 'javascript:alert(1)' }, 'prise_rdv', "n'est pas une adresse web valide"],
    ['object', { nom: { fr: 'x' } }, 'nom', 'Valeur illisible'],
    [
      'cells',
      { [CELL_COUNT_MISMATCH]: { expected: 15, found: 7 } },
      'ligne',
      'La ligne compte 7 cellules au lieu de 15',
    ],
  ])('%s', (_name, change, field, message) => {
    const errors = rejected(normalise(change));
    expect(errors.map((e) => e.field)).toContain(field);
    expect(errors.find((e) => e.field === field)?.message).toContain(message);
  });

  it('reports every error of the row, not only the first', () => {
    const errors = rejected(
      normalise({
        nom: '',
        code_postal: 'abc',
        telephone: '12',
        services: 'Cuisine',
        prise_rdv: 'non',
        date_maj: '2099-01-01',
      }),
    );
    expect(errors.map((e) => e.field).sort()).toEqual([
      'code_postal',
      'date_maj',
      'nom',
      'prise_rdv',
      'services',
      'telephone',
    ]);
  });
});

describe('isInFrance', () => {
  it.each([
    [43.7031, 7.2661, true], // Nice
    [42.6976, 9.4509, true], // Bastia
    [48.3904, -4.4861, true], // Brest
    [16.2412, -61.533, true], // Pointe-à-Pitre
    [14.6161, -61.0588, true], // Fort-de-France
    [4.9224, -52.3135, true], // Cayenne
    [-20.8821, 55.4507, true], // Saint-Denis (La Réunion)
    [-12.7806, 45.2279, true], // Mamoudzou
    [46.7811, -56.1764, true], // Saint-Pierre
    [-22.2758, 166.458, true], // Nouméa
    [-17.5516, -149.5585, true], // Papeete
    [-13.2825, -176.1745, true], // Mata-Utu
    [18.0708, -63.0501, true], // Marigot
    [40.7128, -74.006, false], // New York
    [0, 0, false],
    [7.2661, 43.7031, false], // swapped
  ])('(%f, %f) → %s', (lat, lon, expected) => {
    expect(isInFrance(lat, lon)).toBe(expected);
  });
});

describe('normaliseRow: text a spreadsheet would run (ADR 0016)', () => {
  it.each([
    ['nom', '=HYPERLINK("http://evil.example";"Cliquez")'],
    ['adresse', "+cmd|' /C calc'!A0"],
    ['presentation_detail', "-2+3+cmd|' /C calc'!A0"],
    ['source', '@SUM(1+1)'],
    ['complement_adresse', '  =1+1'],
  ])('refuses %s starting a formula', (field, value) => {
    const errors = rejected(normalise({ [field]: value }));
    expect(errors).toContainEqual({ field, message: expect.stringContaining('ressemble à une formule de tableur') });
  });

  it('keeps a real name starting with « @ » and a detail starting with a dash', () => {
    const result = accepted(normalise({ nom: '@telier connecté udaf', presentation_detail: '- Aide aux démarches' }));
    expect(result.place.nom).toBe('@telier connecté udaf');
    expect(result.place.presentation_detail).toBe('- Aide aux démarches');
  });

  it('keeps a phone in international form and negative coordinates exactly', () => {
    const result = accepted(
      normalise({
        telephone: '+33494360085',
        latitude: '43.1205',
        longitude: '-1.4750',
        code_postal: '64100',
        commune: 'Bayonne',
      }),
    );
    expect(result.place.telephone).toBe('+33494360085');
    expect(result.place.longitude).toBe(-1.475);
  });
});
