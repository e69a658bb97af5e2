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
import { type ReasonCount, ReasonCounter } from './import/reasons.ts';
import { runCheck } from './import/run-check.ts';
import { existingPlaces, type PlaceWrite, recordImport, upsertPlaces } from './places-repository.ts';
import { lieuxPolicy } from './policies.ts';
import type { Place } from './standard.ts';
import { communeKey } from './text.ts';

/** Rows per INSERT on PGlite (bench/import-responsiveness.ts). */
const WRITE_BATCH_PGLITE = 100;

export interface ImportOptions {
  fileName: string;
  dryRun: boolean;
  /**
   * Read and check the file in a worker thread (default), so that the server keeps answering
   * meanwhile; false checks it on the calling thread (benchmark baseline only).
   */
  checkInWorker?: boolean;
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
    inWorker: options.checkInWorker ?? true,
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
  const writes: PlaceWrite[] = [];
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
  };
  const now = deps.clock();
  for (let i = 0; i < accepted.length; i++) {
    if (i % 2000 === 0) {
      progress('localisation', i, accepted.length);
      // Let other requests in between (most look-ups below are answered from a cache).
      if (i > 0) await new Promise((resolve) => setImmediate(resolve));
    }
    const { place, line, hash, searchText, openMinutes } = accepted[i] as (typeof accepted)[number];
    let geo: Pick<PlaceWrite, 'geo_lat' | 'geo_lon' | 'geo_precision'>;
    if (place.latitude !== null && place.longitude !== null) {
      geo = { geo_lat: place.latitude, geo_lon: place.longitude, geo_precision: 'exact' };
    } else {
      const point = await locate(place);
      if (point) {
        geo = { geo_lat: point.lat, geo_lon: point.lon, geo_precision: 'commune' };
        summary.approximated++;
      } else {
        geo = { geo_lat: null, geo_lon: null, geo_precision: 'none' };
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
    writes.push({
      ...place,
      ...geo,
      origin: options.fileName,
      imported_at: now,
      updated_at: now,
      content_hash: hash,
      search_text: searchText,
      open_minutes: openMinutes,
    });
  }
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
    unknownColumns: file.unknownColumns,
    renamedColumns: file.renamedColumns,
    warnings,
  };
  if (options.dryRun) return report;

  progress('écriture', 0, writes.length);
  report.importId = await deps.db.transaction(async (tx) => {
    // PGlite runs each statement on this thread: batches short enough to keep /sante answering.
    await upsertPlaces(tx, writes, deps.db.engine === 'pglite' ? WRITE_BATCH_PGLITE : 1000);
    const id = await recordImport(tx, {
      kind: 'places',
      fileName: options.fileName,
      actorUserId: accountIdOf(actor),
      startedAt,
      finishedAt: deps.clock(),
      dryRun: false,
      summary,
      report: { ...report, rejections: report.rejections.slice(0, 200), corrections: report.corrections.slice(0, 200) },
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
  progress('écriture', writes.length, writes.length);
  return report;
}
