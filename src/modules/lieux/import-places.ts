/**
 * Imports a file of places in the national standard: every row validated and normalised,
 * placed at its commune when it has no coordinates, upserted by id — the whole file in one
 * transaction — and a report of what happened to each row. Re-importing the same file
 * changes nothing; --dry-run reports without writing.
 */
import { type Actor, accountIdOf } from '../../platform/auth/actor.ts';
import { authorize } from '../../platform/auth/policy.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Database, Queryable } from '../../platform/db/database.ts';
import { RuleError } from '../../platform/http/errors.ts';
import { appendJournal } from '../../platform/journal/journal.ts';
import { parisDate } from '../../platform/print/index.ts';
import type { CommuneMatch } from './gazetteer/communes-repository.ts';
import { communesByInsee, communesByPostcode, countCommunes } from './gazetteer/communes-repository.ts';
import { DETAIL_LIMIT, type RowOutcome } from './import/check-file.ts';
import { contentHash } from './import/computed.ts';
import { distanceKm, gazetteerChecks } from './import/gazetteer-checks.ts';
import { type ReasonCount, ReasonCounter } from './import/reasons.ts';
import { quote } from './import/report.ts';
import { runCheck } from './import/run-check.ts';
import {
  deleteSimulationsBefore,
  existingPlaces,
  type PlaceWrite,
  recordImport,
  upsertPlaceBatches,
} from './places-repository.ts';
import { lieuxPolicy } from './policies.ts';
import { formatDecimal, type Place } from './standard.ts';
import { communeKey, foldText } from './text.ts';

/**
 * Rows per INSERT on PGlite. Each statement runs synchronously on the server's thread (WebAssembly),
 * so nothing else is answered meanwhile: 10 rows take about 3 ms of CPU (p99 8 ms), 50 rows
 * 11 ms (p99 28 ms), for 36 % more CPU over the whole write (bench/import-responsiveness.ts).
 */
const WRITE_BATCH_PGLITE = 10;

/**
 * A file this small is checked on the calling thread: a few milliseconds of work (about 200
 * rows), less than starting a worker thread costs (one per import, and one per test fixture).
 */
const SMALL_FILE_BYTES = 64 * 1024;

/** Imports of places of this process whose writing transaction runs now. */
let writing = 0;

/**
 * Whether an import of places is writing in this process. On the embedded database its
 * transaction holds the one connection: a search waits for it (the search page says so).
 */
export function placesImportWriting(): boolean {
  return writing > 0;
}

export interface ImportOptions {
  fileName: string;
  dryRun: boolean;
  /**
   * Read and check the file in a worker thread, so that the server keeps answering meanwhile
   * (default for files over SMALL_FILE_BYTES); false checks it on the calling thread.
   */
  checkInWorker?: boolean;
  /**
   * Coordinates far from the place's commune are kept and flagged (default); true places such
   * rows at their commune instead (still flagged).
   */
  placeFarAtCommune?: boolean;
  /** Progress for long files: phase and rows done out of total. */
  onProgress?: (phase: 'lecture' | 'vérification' | 'localisation' | 'écriture', done: number, total: number) => void;
}

export interface ImportSummary {
  rows: number;
  created: number;
  updated: number;
  unchanged: number;
  keptNewer: number;
  rejected: number;
  approximated: number;
  unlocated: number;
  corrected: number;
  /** INSEE codes missing or unknown, found from the postcode and commune name. */
  inseeDerived: number;
  /** Coordinates far from the commune given (kept, or placed at the commune on request). */
  farCoordinates: number;
  /** Places with the same name and address as another of the file, under another id (kept). */
  possibleDuplicates: number;
}

/** A place whose coordinates are far from its commune. */
export interface FarCoordinates {
  line: number;
  id: string;
  nom: string;
  commune: string;
  distanceKm: number;
  allowedKm: number;
  placedAtCommune: boolean;
}

/** Rows that look like the same place (same name and address, different ids). */
export interface PossibleDuplicate {
  nom: string;
  adresse: string;
  rows: Array<{ line: number; id: string }>;
}

export interface ImportReport {
  importId: string | null;
  fileName: string;
  format: 'csv' | 'json';
  encoding: string;
  separator?: string;
  dryRun: boolean;
  summary: ImportSummary;
  /** Rejection reasons counted by field and message (values left out). */
  rejectionReasons: ReasonCount[];
  correctionReasons: ReasonCount[];
  /** The first rows of each kind, in full. */
  rejections: RowOutcome[];
  corrections: RowOutcome[];
  farCoordinates: FarCoordinates[];
  possibleDuplicates: PossibleDuplicate[];
  unknownColumns: string[];
  renamedColumns: Array<{ from: string; to: string }>;
  warnings: string[];
}

export class ImportFileError extends RuleError {
  constructor(message: string) {
    super('import_file_unreadable', message, 400);
  }
}

export { contentHash, openMinutesOf, searchTextOf } from './import/computed.ts';
export type { ReasonCount } from './import/reasons.ts';
export type { RowOutcome };

/** Where a place without coordinates is shown: its commune (INSEE code, else postcode and name). */
export async function locator(db: Queryable) {
  const byInsee = new Map<string, CommuneMatch[]>();
  const byPostcode = new Map<string, CommuneMatch[]>();
  return async (place: Place): Promise<{ lat: number; lon: number } | undefined> => {
    let candidates: CommuneMatch[] = [];
    if (place.code_insee) {
      if (!byInsee.has(place.code_insee)) byInsee.set(place.code_insee, await communesByInsee(db, place.code_insee));
      candidates = byInsee.get(place.code_insee) ?? [];
    }
    if (candidates.length === 0) {
      if (!byPostcode.has(place.code_postal))
        byPostcode.set(place.code_postal, await communesByPostcode(db, place.code_postal));
      const all = byPostcode.get(place.code_postal) ?? [];
      const key = communeKey(place.commune);
      const named = all.filter((c) => communeKey(c.name) === key || communeKey(c.name).startsWith(`${key} `));
      candidates = named.length > 0 ? named : all.length === 1 ? all : [];
    }
    const c = candidates.find((m) => m.latitude !== null && m.longitude !== null);
    return c ? { lat: c.latitude as number, lon: c.longitude as number } : undefined;
  };
}

export async function importPlaces(
  deps: { db: Database; clock: Clock },
  actor: Actor | undefined,
  bytes: Buffer,
  options: ImportOptions,
): Promise<ImportReport> {
  authorize(actor, lieuxPolicy.importPlaces, null);
  const startedAt = deps.clock();
  const today = parisDate(startedAt);
  const progress = options.onProgress ?? (() => {});

  const checked = await runCheck(bytes, {
    fileName: options.fileName,
    today,
    inWorker: options.checkInWorker ?? bytes.length > SMALL_FILE_BYTES,
    onProgress: progress,
  });
  if (!checked.ok) throw new ImportFileError(checked.error);
  const file = checked.summary;
  const accepted = checked.accepted;
  const rejections = file.rejections;
  const corrections = file.corrections;
  const rejectionReasons = new ReasonCounter(file.rejectionReasons);
  const correctionReasons = new ReasonCounter(file.correctionReasons);

  const warnings: string[] = [];
  const needLocating = accepted.filter((a) => a.place.latitude === null || a.place.longitude === null).length;
  if (needLocating > 0 && (await countCommunes(deps.db)) === 0) {
    warnings.push(
      `${needLocating} lieu(x) sans coordonnées ne peuvent pas être placés à leur commune : le référentiel des communes est vide. Importez-le d'abord (passerelle import communes laposte_hexasmal.csv).`,
    );
  }
  const locate = await locator(deps.db);
  const existing = await existingPlaces(
    deps.db,
    accepted.map((a) => a.place.id),
  );
  // Rows to write, serialised a batch at a time as soon as they are decided: the row objects
  // can then be collected before the write, which keeps the garbage collector's pauses on the
  // server's thread short while PGlite writes (see upsertPlaceBatches).
  const batchSize = deps.db.engine === 'pglite' ? WRITE_BATCH_PGLITE : 1000;
  const batches: string[] = [];
  let pending: PlaceWrite[] = [];
  let writeCount = 0;
  const summary: ImportSummary = {
    rows: file.rows,
    created: 0,
    updated: 0,
    unchanged: 0,
    keptNewer: 0,
    rejected: file.rows - accepted.length,
    approximated: 0,
    unlocated: 0,
    corrected: file.corrected,
    inseeDerived: 0,
    farCoordinates: 0,
    possibleDuplicates: 0,
  };
  const checks = gazetteerChecks(deps.db);
  const gazetteerLoaded = (await countCommunes(deps.db)) > 0;
  const farCoordinates: FarCoordinates[] = [];
  const sameNameAndAddress = new Map<string, PossibleDuplicate>();
  /** A correction found here (not while checking the file): counted, and the row once among « corrigés ». */
  const correct = (row: (typeof accepted)[number], field: string, message: string) => {
    const issue = { field, message };
    correctionReasons.add(issue);
    if (!row.corrected) {
      row.corrected = true;
      summary.corrected++;
    }
    const listed = corrections.find((c) => c.line === row.line);
    if (listed) listed.issues.push(issue);
    else if (corrections.length < DETAIL_LIMIT) corrections.push({ line: row.line, id: row.place.id, issues: [issue] });
  };
  const now = deps.clock();
  let lastTurn = performance.now();
  for (let i = 0; i < accepted.length; i++) {
    if (i % 2000 === 0) progress('localisation', i, accepted.length);
    // Let other requests in at least every 20 ms: PGlite's queries below resolve without
    // turning the event loop, so thousands of them in a row would hold it for seconds.
    if (performance.now() - lastTurn > 20) {
      await new Promise((resolve) => setImmediate(resolve));
      lastTurn = performance.now();
    }
    const row = accepted[i] as (typeof accepted)[number];
    const { place, line, searchText, openMinutes } = row;
    let hash = row.hash;
    if (gazetteerLoaded && (place.code_insee === null || !(await checks.knowsInsee(place.code_insee)))) {
      const derived = await checks.deriveInsee(place);
      if (derived) {
        correct(
          row,
          'code_insee',
          place.code_insee === null
            ? `Code INSEE déduit du code postal et de la commune : ${quote(derived)}.`
            : `Code INSEE ${quote(place.code_insee)} inconnu, remplacé par celui du code postal et de la commune : ${quote(derived)}.`,
        );
        place.code_insee = derived;
        hash = contentHash(place);
        summary.inseeDerived++;
      }
    }
    const sameKey = `${foldText(place.nom)}|${foldText(place.adresse)}|${place.code_postal}`;
    const same = sameNameAndAddress.get(sameKey);
    if (same) {
      if (same.rows.length === 1) summary.possibleDuplicates++;
      summary.possibleDuplicates++;
      same.rows.push({ line, id: place.id });
    } else sameNameAndAddress.set(sameKey, { nom: place.nom, adresse: place.adresse, rows: [{ line, id: place.id }] });
    let geo: Pick<PlaceWrite, 'geo_lat' | 'geo_lon' | 'geo_precision' | 'geo_warning'>;
    if (place.latitude !== null && place.longitude !== null) {
      geo = { geo_lat: place.latitude, geo_lon: place.longitude, geo_precision: 'exact', geo_warning: null };
      const commune = gazetteerLoaded ? await checks.reference(place) : null;
      const away = commune && distanceKm({ lat: place.latitude, lon: place.longitude }, commune);
      if (commune && away !== null && away > commune.allowedKm) {
        const placed = options.placeFarAtCommune === true;
        const warning = `Les coordonnées du fichier (${formatDecimal(place.latitude)}, ${formatDecimal(place.longitude)}) sont à ${Math.round(away)} km de ${commune.name} (${place.code_postal}) : ${placed ? 'lieu placé à sa commune' : 'vérifiez-les'}.`;
        geo = placed
          ? { geo_lat: commune.lat, geo_lon: commune.lon, geo_precision: 'commune', geo_warning: warning }
          : { ...geo, geo_warning: warning };
        summary.farCoordinates++;
        if (farCoordinates.length < DETAIL_LIMIT) {
          farCoordinates.push({
            line,
            id: place.id,
            nom: place.nom,
            commune: commune.name,
            distanceKm: Math.round(away),
            allowedKm: Math.round(commune.allowedKm),
            placedAtCommune: placed,
          });
        }
      }
    } else {
      const point = await locate(place);
      if (point) {
        geo = { geo_lat: point.lat, geo_lon: point.lon, geo_precision: 'commune', geo_warning: null };
        summary.approximated++;
      } else {
        geo = { geo_lat: null, geo_lon: null, geo_precision: 'none', geo_warning: null };
        summary.unlocated++;
        if (corrections.length < DETAIL_LIMIT) {
          corrections.push({
            line,
            id: place.id,
            issues: [
              {
                field: 'commune',
                message:
                  'Lieu sans coordonnées et commune introuvable : il ne sortira pas dans une recherche autour d’un point.',
              },
            ],
          });
        }
      }
    }
    const before = existing.get(place.id);
    if (before?.contentHash === hash) {
      summary.unchanged++;
      continue;
    }
    if (before && before.dateMaj > place.date_maj) {
      summary.keptNewer++;
      continue;
    }
    if (before) summary.updated++;
    else summary.created++;
    writeCount++;
    pending.push({
      ...place,
      ...geo,
      origin: options.fileName,
      imported_at: now,
      updated_at: now,
      content_hash: hash,
      search_text: searchText,
      open_minutes: openMinutes,
    });
    if (pending.length === batchSize) {
      batches.push(JSON.stringify(pending));
      pending = [];
    }
  }
  if (pending.length > 0) batches.push(JSON.stringify(pending));
  pending = [];
  progress('localisation', accepted.length, accepted.length);

  const report: ImportReport = {
    importId: null,
    fileName: options.fileName,
    format: file.format,
    encoding: file.encoding,
    ...(file.separator ? { separator: file.separator } : {}),
    dryRun: options.dryRun,
    summary,
    rejectionReasons: rejectionReasons.sorted(),
    correctionReasons: correctionReasons.sorted(),
    rejections,
    corrections,
    farCoordinates,
    possibleDuplicates: [...sameNameAndAddress.values()].filter((d) => d.rows.length > 1).slice(0, DETAIL_LIMIT),
    unknownColumns: file.unknownColumns,
    renamedColumns: file.renamedColumns,
    warnings,
  };
  if (options.dryRun) return report;
  // Nothing below reads the rows again: let them go before the long write.
  accepted.length = 0;
  existing.clear();
  sameNameAndAddress.clear();

  progress('écriture', 0, writeCount);
  writing++;
  try {
    report.importId = await deps.db.transaction(async (tx) => {
      // PGlite runs each statement on this thread: batches short enough to keep /sante answering.
      await upsertPlaceBatches(tx, batches);
      const id = await recordImport(tx, {
        kind: 'places',
        fileName: options.fileName,
        actorUserId: accountIdOf(actor),
        startedAt,
        finishedAt: deps.clock(),
        dryRun: false,
        summary,
        report: {
          ...report,
          rejections: report.rejections.slice(0, 200),
          corrections: report.corrections.slice(0, 200),
        },
      });
      await appendJournal(tx, deps.clock, {
        action: 'lieux.import',
        actorUserId: accountIdOf(actor),
        targetType: 'import',
        targetId: id,
        details: { ...summary },
      });
      return id;
    });
  } finally {
    writing--;
  }
  progress('écriture', writeCount, writeCount);
  return report;
}

/** How long a simulation's report can be read again (issue 13). */
export const SIMULATION_KEPT_MS = 60 * 60 * 1000;

/**
 * Keeps a simulation's report for a short time, so the page that posted it can redirect (303)
 * to a page that shows it and a reload never posts again (issue 13). No place is written; the
 * reports of simulations older than SIMULATION_KEPT_MS are removed in the same transaction.
 */
export async function keepSimulation(
  deps: { db: Database; clock: Clock },
  actor: Actor | undefined,
  report: ImportReport,
): Promise<string> {
  authorize(actor, lieuxPolicy.importPlaces, null);
  if (!report.dryRun) throw new Error('Only a simulation is kept this way.');
  const now = deps.clock();
  return deps.db.transaction(async (tx) => {
    await deleteSimulationsBefore(tx, new Date(now.getTime() - SIMULATION_KEPT_MS));
    return recordImport(tx, {
      kind: 'places',
      fileName: report.fileName,
      actorUserId: accountIdOf(actor),
      startedAt: now,
      finishedAt: now,
      dryRun: true,
      summary: report.summary,
      report: { ...report, rejections: report.rejections.slice(0, 200), corrections: report.corrections.slice(0, 200) },
    });
  });
}
