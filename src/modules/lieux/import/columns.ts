/**
 * Column names of an uploaded file: normalised (« Code postal » → code_postal), renamed when
 * they come from an older version of the standard, and checked against the required fields.
 */
import { FIELDS, REQUIRED } from '../standard.ts';

/** Old names (earlier versions of the standard, data.inclusion exports) → v1.0.2 names. */
export const RENAMED_COLUMNS: Readonly<Record<string, string>> = {
  labels_nationaux: 'dispositif_programmes_nationaux',
  labels_autres: 'autres_formations_labels',
  autres_formations_et_labels: 'autres_formations_labels',
  conditions_acces: 'frais_a_charge',
  conditions_access: 'frais_a_charge',
  courriel: 'courriels',
  email: 'courriels',
  accessibilite: 'fiche_acces_libre',
  presentation_resumee: 'presentation_resume',
  horaires_ouverture: 'horaires',
  typologies: 'typologie',
  site_internet: 'site_web',
  siret: 'pivot',
};

/** Old columns that are kept as they are, for normalise-row to interpret. */
export const LEGACY_COLUMNS: ReadonlySet<string> = new Set(['publics_accueillis']);

const STANDARD = new Set<string>(FIELDS);

export function isKnownColumn(name: string): boolean {
  return STANDARD.has(name) || LEGACY_COLUMNS.has(name);
}

/** « ﻿Code Postal » → « code_postal ». */
export function headerKey(raw: string): string {
  return raw
    .replace(/^\uFEFF/, '')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[\s'’-]+/g, '_');
}

export interface ColumnPlan {
  /** Final name of each raw column ('' = ignored). */
  names: string[];
  columns: string[];
  unknownColumns: string[];
  renamedColumns: Array<{ from: string; to: string }>;
}

export type ColumnCheck = { ok: true; plan: ColumnPlan } | { ok: false; code: string; error: string };

export function planColumns(rawNames: string[], format: 'csv' | 'json'): ColumnCheck {
  const keys = rawNames.map(headerKey);
  const present = new Set(keys.filter((k) => k !== ''));
  const seen = new Set<string>();
  const names: string[] = [];
  const renamedColumns: ColumnPlan['renamedColumns'] = [];
  for (let i = 0; i < rawNames.length; i++) {
    const original = (rawNames[i] ?? '').replace(/^\uFEFF/, '').trim();
    // A column named __proto__ would replace the prototype of the row's object: ignored.
    let name = keys[i] === '__proto__' ? '' : (keys[i] ?? '');
    const target = RENAMED_COLUMNS[name];
    // An old name is renamed only when the file does not also have the new one.
    if (target !== undefined && !present.has(target)) name = target;
    if (name !== '' && seen.has(name)) {
      return {
        ok: false,
        code: 'duplicate_columns',
        error: `La colonne « ${name} » apparaît deux fois : gardez-en une seule.`,
      };
    }
    if (name !== '') seen.add(name);
    if (name !== '' && name !== original.toLowerCase()) renamedColumns.push({ from: original, to: name });
    names.push(name);
  }
  const columns = names.filter((n) => n !== '');
  const unknownColumns = columns.filter((c) => !isKnownColumn(c));
  const missing = REQUIRED.filter((f) => !seen.has(f));
  if (missing.length > 0) {
    const found = REQUIRED.length - missing.length;
    if (found < 2) {
      const start = rawNames
        .slice(0, 3)
        .map(
          (n) =>
            `« ${n
              .replace(/^\uFEFF/, '')
              .trim()
              .slice(0, 40)} »`,
        )
        .join(', ');
      const expected = `${REQUIRED.join(', ')}…`;
      return {
        ok: false,
        code: 'not_standard_header',
        error:
          format === 'csv'
            ? `La première ligne doit contenir les noms des colonnes du standard (${expected}). Elle contient : ${start}.`
            : `Les lieux du fichier doivent utiliser les noms de champs du standard (${expected}). Champs trouvés : ${start || 'aucun'}.`,
      };
    }
    const many = missing.length > 1;
    const label =
      format === 'csv'
        ? `Colonne${many ? 's obligatoires absentes' : ' obligatoire absente'}`
        : `Champ${many ? 's obligatoires absents' : ' obligatoire absent'}`;
    return { ok: false, code: 'missing_columns', error: `${label} : ${missing.join(', ')}.` };
  }
  return { ok: true, plan: { names, columns, unknownColumns, renamedColumns } };
}
