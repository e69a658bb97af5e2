/**
 * Synthetic files of places in the national standard (v1.0.2), as many rows as asked, the
 * same for the same seed. Each row mixes real places of the PACA file, read through the
 * project's own normaliser: the offer of one (services, frais_a_charge, dispositifs, publics,
 * modalities, source, date_maj and the name pattern), the contact details of a second (which
 * of phone / e-mail / web site / coordinates it has), the opening hours of a third and the
 * street of a fourth — so the joint distributions of the real file are kept. Positions are
 * spread over France by sampling communes of the postcode base, with a small jitter.
 *
 *   node --import tsx bench/generate-places.ts --count=15000 --seed=1 --format=csv --out=/tmp/lieux.csv
 */
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { stringify } from 'csv-stringify/sync';
import { type CommuneRow, readLaPosteFile } from '../src/modules/lieux/gazetteer/read-laposte.ts';
import { isInFrance } from '../src/modules/lieux/import/france.ts';
import { normaliseRow } from '../src/modules/lieux/import/normalise-row.ts';
import { readPlacesFile } from '../src/modules/lieux/import/read-file.ts';
import { FIELDS, type Place, toStandardJson, toStandardRow } from '../src/modules/lieux/standard.ts';
import { foldText } from '../src/modules/lieux/text.ts';
import { communesFile, isMain, log, pacaFile, parseArgs } from './support.ts';

export type Format = 'csv' | 'json';

/** mulberry32: small, fast, deterministic. */
export function prng(seed: number): () => number {
  let a = seed >>> 0 || 0x9e3779b9;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Located = CommuneRow & { latitude: number; longitude: number };

interface Sources {
  profiles: Place[];
  communes: Located[];
}

let cached: Sources | undefined;

/** The real places (normalised as an import would) and the located communes, read once. */
export function loadSources(): Sources {
  if (cached) return cached;
  const file = readPlacesFile(readFileSync(pacaFile), 'lieux-paca.json');
  if (!file.ok) throw new Error(`${pacaFile}: ${file.error}`);
  const profiles: Place[] = [];
  for (const row of file.rows) {
    const r = normaliseRow(row.values, { today: '2026-01-01' });
    if (r.ok) profiles.push(r.place);
  }
  const base = readLaPosteFile(readFileSync(communesFile));
  if (!base.ok) throw new Error(`${communesFile}: ${base.error}`);
  const communes = base.rows.filter(
    (c): c is Located => c.latitude !== null && c.longitude !== null && isInFrance(c.latitude, c.longitude),
  );
  cached = { profiles, communes };
  return cached;
}

const pick = <T>(list: readonly T[], r: () => number): T => list[Math.floor(r() * list.length)] as T;

/** A point in France near a commune of the postcode base (jitter up to ~1.5 km). */
export function randomPosition(r: () => number): { latitude: number; longitude: number; commune: Located } {
  const commune = pick(loadSources().communes, r);
  const lat = commune.latitude + (r() - 0.5) * 0.027;
  const lon = commune.longitude + (r() - 0.5) * 0.04;
  const ok = isInFrance(lat, lon);
  return {
    latitude: Math.round((ok ? lat : commune.latitude) * 1e6) / 1e6,
    longitude: Math.round((ok ? lon : commune.longitude) * 1e6) / 1e6,
    commune,
  };
}

/** A deterministic stream of such points (search benchmarks). */
export function randomPositions(seed: number): () => { latitude: number; longitude: number } {
  const r = prng(seed ^ 0x5bd1e995);
  return () => {
    const { latitude, longitude } = randomPosition(r);
    return { latitude, longitude };
  };
}

function slug(text: string): string {
  return foldText(text).replace(/ /g, '-').slice(0, 30).replace(/-+$/, '') || 'lieu';
}

/** The name of the model place, with its own commune replaced by the new one when it shows. */
function nameLike(model: Place, commune: string): string {
  const at = model.nom.toLowerCase().indexOf(model.commune.toLowerCase());
  if (model.commune.length < 3 || at < 0) return model.nom;
  return `${model.nom.slice(0, at)}${commune}${model.nom.slice(at + model.commune.length)}`;
}

/** The street of the model place with another number (none when it had none). */
function addressLike(model: Place, r: () => number): string {
  const m = /^(\d+)(\s*(?:bis|ter|b)?\s+)(.*)$/i.exec(model.adresse);
  if (!m) return model.adresse;
  return `${1 + Math.floor(r() * 180)}${m[2]}${m[3]}`;
}

function phone(r: () => number): string {
  let n = `+33${pick(['1', '2', '3', '4', '5', '6', '7', '9'], r)}`;
  for (let i = 0; i < 8; i++) n += Math.floor(r() * 10);
  return n;
}

/** Rows in memory, one at a time: index `start` to `start + count - 1` of the seed's sequence. */
export function* generatePlaces(count: number, options: { seed?: number; start?: number } = {}): Generator<Place> {
  const seed = options.seed ?? 1;
  const start = options.start ?? 0;
  const { profiles } = loadSources();
  for (let i = start; i < start + count; i++) {
    const r = prng(seed * 1_000_003 + i);
    const offer = pick(profiles, r);
    const contact = pick(profiles, r);
    const hours = pick(profiles, r);
    const street = pick(profiles, r);
    const { latitude, longitude, commune } = randomPosition(r);
    const nom = nameLike(offer, commune.name);
    const host = `${slug(nom)}-${i.toString(36)}.fr`;
    const source = offer.source ?? 'synthetique';
    yield {
      ...offer,
      id: `${source}-s${seed}-${i.toString(36).padStart(6, '0')}`,
      nom,
      commune: commune.name,
      code_postal: commune.code_postal,
      code_insee: commune.code_insee,
      adresse: addressLike(street, r),
      complement_adresse: street.complement_adresse,
      latitude: contact.latitude === null ? null : latitude,
      longitude: contact.longitude === null ? null : longitude,
      telephone: contact.telephone === null ? null : phone(r),
      courriels: contact.courriels.map((_, k) => `${k === 0 ? 'contact' : `accueil${k}`}@${host}`),
      site_web: contact.site_web.map((_, k) => `https://www.${host}${k === 0 ? '' : `/page-${k}`}`),
      prise_rdv: contact.prise_rdv === null ? null : `https://rdv.${host}/prendre-rendez-vous`,
      horaires: hours.horaires,
    };
  }
}

export function generatePlaceRows(count: number, options: { seed?: number; start?: number } = {}): Place[] {
  return Array.from(generatePlaces(count, options));
}

/** Writes a file of the standard (CSV with the 32 columns, or a JSON array); returns its size in bytes. */
export function writePlacesFile(file: string, count: number, options: { seed?: number; format?: Format } = {}): number {
  const format = options.format ?? 'csv';
  const fd = openSync(file, 'w');
  let bytes = 0;
  const write = (text: string) => {
    bytes += writeSync(fd, text);
  };
  try {
    write(format === 'csv' ? stringify([FIELDS as unknown as string[]]) : '[\n');
    let batch: Place[] = [];
    let first = true;
    const flush = () => {
      if (format === 'csv') write(stringify(batch.map((p) => Object.values(toStandardRow(p)))));
      else {
        write(`${first ? '' : ',\n'}${batch.map((p) => JSON.stringify(toStandardJson(p))).join(',\n')}`);
        first = false;
      }
      batch = [];
    };
    for (const place of generatePlaces(count, options)) {
      batch.push(place);
      if (batch.length === 5000) flush();
    }
    if (batch.length > 0) flush();
    if (format === 'json') write('\n]\n');
  } finally {
    closeSync(fd);
  }
  return bytes;
}

if (isMain(import.meta.url)) {
  const args = parseArgs();
  const count = Number(args.get('count') ?? 15_000);
  const seed = Number(args.get('seed') ?? 1);
  const format = (args.get('format') ?? 'csv') as Format;
  const out = args.get('out') ?? `/tmp/lieux-synthetiques-${count}.${format}`;
  const started = performance.now();
  const bytes = writePlacesFile(out, count, { seed, format });
  log(
    `${count} places (seed ${seed}) → ${out}: ${(bytes / 1e6).toFixed(1)} MB in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
}
