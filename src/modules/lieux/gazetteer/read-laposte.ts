/**
 * Reads the official postcode base (laposte_hexasmal.csv: Code_commune_INSEE;Nom_commune;
 * Code_postal;Ligne_5;Libellé_d_acheminement;coordonnees_gps).
 */
import { parse } from 'csv-parse/sync';
import { communeKey } from '../text.ts';
import { prettyCommuneName } from './commune-names.ts';
import { departementOf } from './departements.ts';

export interface CommuneRow {
  code_insee: string;
  code_postal: string;
  locality: string;
  name: string;
  source_name: string;
  name_key: string;
  city_key: string;
  departement: string;
  latitude: number | null;
  longitude: number | null;
}

export type ReadCommunesResult =
  | {
      ok: true;
      rows: CommuneRow[];
      rejected: Array<{ line: number; reason: string }>;
      withoutCoordinates: number;
      /** Lines repeating a commune, postcode and locality (islands of one commune…), kept once. */
      merged: number;
    }
  | { ok: false; error: string };

const expected = [
  'code_commune_insee',
  'nom_commune',
  'code_postal',
  'ligne_5',
  'libelle_d_acheminement',
  'coordonnees_gps',
];

function headerKey(h: string): string {
  return h
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/^\uFEFF/, '')
    .trim()
    .toLowerCase();
}

export function readLaPosteFile(bytes: Buffer): ReadCommunesResult {
  if (bytes.length === 0 || bytes.toString('utf8').trim() === '') return { ok: false, error: 'Le fichier est vide.' };
  if (bytes.includes(0)) return { ok: false, error: "Ce fichier n'est pas un fichier texte (CSV)." };
  const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
  const firstLine = text.slice(0, text.indexOf('\n') === -1 ? text.length : text.indexOf('\n'));
  const header = firstLine.split(';').map(headerKey);
  const missing = expected.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    return {
      ok: false,
      error: `Ce fichier n'est pas la base officielle des codes postaux : colonnes manquantes (${missing.join(', ')}). Attendu : ${expected.join(';')}.`,
    };
  }
  let records: string[][];
  try {
    records = parse(text, { delimiter: ';', relax_column_count: true, skip_empty_lines: true }) as string[][];
  } catch (error) {
    return { ok: false, error: `Le fichier CSV est illisible : ${(error as Error).message}` };
  }
  const idx = (name: string) => header.indexOf(name);
  const rows: CommuneRow[] = [];
  const rejected: Array<{ line: number; reason: string }> = [];
  const seen = new Set<string>();
  let withoutCoordinates = 0;
  let merged = 0;
  for (let i = 1; i < records.length; i++) {
    const r = records[i] as string[];
    const line = i + 1;
    const codeInsee = (r[idx('code_commune_insee')] ?? '').trim();
    const sourceName = (r[idx('nom_commune')] ?? '').trim();
    const codePostal = (r[idx('code_postal')] ?? '').trim().padStart(5, '0');
    const locality = (r[idx('ligne_5')] ?? '').trim();
    const routing = (r[idx('libelle_d_acheminement')] ?? '').trim();
    const gps = (r[idx('coordonnees_gps')] ?? '').trim();
    if (!/^([013-9]\d|2[AB1-9])\d{3}$/.test(codeInsee)) {
      rejected.push({ line, reason: `code INSEE invalide (« ${codeInsee} »)` });
      continue;
    }
    if (!/^\d{5}$/.test(codePostal)) {
      rejected.push({ line, reason: `code postal invalide (« ${codePostal} »)` });
      continue;
    }
    if (!sourceName) {
      rejected.push({ line, reason: 'nom de commune vide' });
      continue;
    }
    const key = `${codeInsee}|${codePostal}|${locality}`;
    if (seen.has(key)) {
      merged++;
      continue;
    }
    seen.add(key);
    let latitude: number | null = null;
    let longitude: number | null = null;
    if (gps) {
      const [lat, lon] = gps.split(',').map((v) => Number(v.trim()));
      if (
        Number.isFinite(lat) &&
        Number.isFinite(lon) &&
        Math.abs(lat as number) <= 90 &&
        Math.abs(lon as number) <= 180
      ) {
        latitude = lat as number;
        longitude = lon as number;
      }
    }
    if (latitude === null) withoutCoordinates++;
    rows.push({
      code_insee: codeInsee,
      code_postal: codePostal,
      locality,
      name: prettyCommuneName(sourceName),
      source_name: sourceName,
      name_key: communeKey(sourceName),
      city_key: communeKey(routing || sourceName),
      departement: departementOf(codeInsee),
      latitude,
      longitude,
    });
  }
  return { ok: true, rows, rejected, withoutCoordinates, merged };
}
