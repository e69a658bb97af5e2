import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ENUM_FIELDS,
  ENUMS,
  FIELDS,
  formatDecimal,
  MULTI_VALUED,
  PATTERNS,
  type Place,
  REQUIRED,
  toStandardJson,
  toStandardRow,
  validateStandardRow,
} from './standard.ts';

const dataDir = path.resolve('../shared/data/lieux');
type SchemaField = { name: string; type: string; constraints?: { required?: boolean; pattern?: string } };
const schema = JSON.parse(readFileSync(path.join(dataDir, 'standard-mediation-num-schema-v1.0.2.json'), 'utf8')) as {
  version: string;
  fields: SchemaField[];
};

/** The values listed in a pattern such as (?:(?:^|\|)(A|B \(c\)))+$ */
function valuesOfPattern(pattern: string): string[] {
  const m = /^\(\?:\(\?:\^\|\\\|\)\((.*)\)\)\+\$$/.exec(pattern);
  if (!m?.[1]) throw new Error(`Not an enumeration pattern: ${pattern}`);
  return m[1].split(/(?<!\\)\|/).map((v) => v.replace(/\\(.)/g, '$1'));
}

const examplePlace: Place = {
  id: 'structure-1',
  pivot: '43493312300029',
  nom: 'Anonymal',
  commune: 'Reims',
  code_postal: '51100',
  code_insee: null,
  adresse: '12 BIS RUE DE LECLERCQ',
  complement_adresse: null,
  latitude: 49.2583,
  longitude: 4.0317,
  typologie: ['TIERS_LIEUX', 'ASSO'],
  telephone: '+33180059880',
  courriels: [],
  site_web: ['https://www.exemple.fr/'],
  horaires: null,
  presentation_resume: null,
  presentation_detail: null,
  source: 'Hubik',
  itinerance: [],
  structure_parente: null,
  date_maj: '2024-04-02',
  services: ['Aide aux démarches administratives', 'Compréhension du monde numérique'],
  publics_specifiquement_adresses: [],
  prise_en_charge_specifique: ['Langues étrangères (anglais)'],
  frais_a_charge: ['Gratuit'],
  dispositif_programmes_nationaux: ["Point d'accès numérique CAF"],
  formations_labels: ['Étapes numériques(La Poste)'],
  autres_formations_labels: null,
  modalites_acces: [],
  modalites_accompagnement: [],
  fiche_acces_libre: null,
  prise_rdv: null,
};

describe('the standard v1.0.2 in TypeScript', () => {
  it('is the version of the schema file', () => {
    expect(schema.version).toBe('v1.0.2');
  });

  it('has the 32 fields of the schema, in its order', () => {
    expect(FIELDS).toEqual(schema.fields.map((f) => f.name));
    expect(FIELDS).toHaveLength(32);
  });

  it('has the required fields of the schema', () => {
    expect([...REQUIRED].sort()).toEqual(
      schema.fields
        .filter((f) => f.constraints?.required)
        .map((f) => f.name)
        .sort(),
    );
  });

  it('has every pattern of the schema, character for character', () => {
    const schemaPatterns = Object.fromEntries(
      schema.fields.filter((f) => f.constraints?.pattern).map((f) => [f.name, f.constraints?.pattern]),
    );
    expect(PATTERNS).toEqual(schemaPatterns);
  });

  it('has exactly the enumerations of the schema', () => {
    const enumerated = schema.fields.filter((f) => f.constraints?.pattern?.startsWith('(?:(?:^|\\|)('));
    expect(ENUM_FIELDS.slice().sort()).toEqual(enumerated.map((f) => f.name).sort());
    for (const field of enumerated) {
      expect(ENUMS[field.name as keyof typeof ENUMS], field.name).toEqual(
        valuesOfPattern(field.constraints?.pattern ?? ''),
      );
    }
  });

  it('marks as multi-valued every enumerated field', () => {
    for (const field of ENUM_FIELDS) expect(MULTI_VALUED.has(field)).toBe(true);
    expect(MULTI_VALUED.size).toBe(12);
  });
});

describe('export', () => {
  it('accepts the example row published with the standard', () => {
    const rows = parse(readFileSync(path.join(dataDir, 'exemple-valide.csv')), { columns: true }) as Record<
      string,
      string
    >[];
    expect(rows).toHaveLength(1);
    expect(validateStandardRow(rows[0] ?? {})).toEqual([]);
  });

  it('writes a row of 32 strings that validates', () => {
    const row = toStandardRow(examplePlace);
    expect(Object.keys(row)).toEqual([...FIELDS]);
    expect(row.typologie).toBe('TIERS_LIEUX|ASSO');
    expect(row.latitude).toBe('49.2583');
    expect(row.code_insee).toBe('');
    expect(validateStandardRow(row)).toEqual([]);
  });

  it('writes the published JSON format: absent values left out, lists joined with |', () => {
    const json = toStandardJson(examplePlace);
    expect(json.latitude).toBe(49.2583);
    expect(json.services).toBe('Aide aux démarches administratives|Compréhension du monde numérique');
    expect('code_insee' in json).toBe(false);
    expect('courriels' in json).toBe(false);
    expect(Object.keys(json)[0]).toBe('id');
  });

  it.each([
    [{ code_postal: '6190' }, 'code_postal'],
    [{ nom: '' }, 'nom est obligatoire'],
    [{ telephone: '04 92 31 43 87' }, 'telephone'],
    [{ frais_a_charge: 'Gratuit|gratuit' }, 'frais_a_charge'],
    [{ services: 'Aide aux démarches administratives|' }, 'services'],
    [{ itinerance: 'Itinérant|Partout' }, 'itinerance'],
    [{ date_maj: '2024-02-30' }, 'date_maj'],
    [{ latitude: '43,5' }, 'latitude'],
    [{ presentation_resume: 'a'.repeat(281) }, '280'],
    [{ inconnue: 'x' }, 'inconnue'],
  ])('reports a row that breaks the standard: %o', (change, expected) => {
    const problems = validateStandardRow({ ...toStandardRow(examplePlace), ...change });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(expected);
  });

  it('matches enumerations as whole values, not as prefixes', () => {
    const row = toStandardRow(examplePlace);
    expect(validateStandardRow({ ...row, frais_a_charge: 'Gratuit sous condition|Payant' })).toEqual([]);
    expect(validateStandardRow({ ...row, frais_a_charge: 'Gratuit sous' })).toHaveLength(1);
    expect(validateStandardRow({ ...row, frais_a_charge: 'xGratuit' })).toHaveLength(1);
  });

  it('writes numbers as plain decimals that read back exactly', () => {
    expect(formatDecimal(1e-7)).toBe('0.0000001');
    expect(formatDecimal(-1.2345e-7)).toBe('-0.00000012345');
    expect(formatDecimal(1.5e21)).toBe('1500000000000000000000');
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        const text = formatDecimal(n);
        expect(text).toMatch(/^-?\d+(\.\d+)?$/);
        expect(Number(text)).toBe(n === 0 ? 0 : n);
      }),
    );
  });
});
