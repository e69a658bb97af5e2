/**
 * Imports a file of places in the national standard: every row validated and normalised,
 * placed at its commune when it has no coordinates, upserted by id — the whole file in one
 * transaction — and a report of what happened to each row. Re-importing the same file
 * changes nothing; --dry-run reports without writing.
 */
import { createHash } from 'node:crypto';
import { type Actor, accountIdOf } from '../../platform/auth/actor.ts';
import { authorize } from '../../platform/auth/policy.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Database, Queryable } from '../../platform/db/database.ts';
import { RuleError } from '../../platform/http/errors.ts';
import { appendJournal } from '../../platform/journal/journal.ts';
import { parisDate } from '../../platform/print/index.ts';
import type { CommuneMatch } from './gazetteer/communes-repository.ts';
import { communesByInsee, communesByPostcode, countCommunes } from './gazetteer/communes-repository.ts';
import { normaliseRow } from './import/normalise-row.ts';
import { readPlacesFile } from './import/read-file.ts';
import type { Issue } from './import/report.ts';
import { weeklyIntervals } from './opening-hours.ts';
import { existingPlaces, type PlaceWrite, recordImport, upsertPlaces } from './places-repository.ts';
import { lieuxPolicy } from './policies.ts';
import { FIELDS, type Place } from './standard.ts';
import { communeKey, foldText } from './text.ts';

export interface ImportOptions {
  fileName: string;
  dryRun: boolean;
  /** Progress for long files: phase and rows done out of total. */
  onProgress?: (phase: 'lecture' | 'vérification' | 'localisation' | 'écriture', done: number, total: number) => void;
}

export interface RowOutcome {
  line: number;
  id?: string;
  issues: Issue[];
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

const DETAIL_LIMIT = 500;

export class ImportFileError extends RuleError {
  constructor(message: string) {
    super('import_file_unreadable', message, 400);
  }
}

/** A reason without the quoted value, so that many rows group under one line. */
function reasonOf(issue: Issue): string {
  return `${issue.field} : ${issue.message
    .replace(/«[^»]*»/g, '«…»')
    .replace(/\(reçu[^)]*\)/g, '')
    .trim()}`;
}

/**
 * A reason and how many times it was met; when values were left out of it, its most frequent
 * exact message (e.g. « CNFS » remplacé par « Conseillers numériques ») and how often.
 */
export interface ReasonCount {
  reason: string;
  count: number;
  example?: { message: string; count: number };
}

class ReasonCounter {
  private readonly byReason = new Map<string, { count: number; messages: Map<string, number> }>();

  add(issue: Issue): void {
    const reason = reasonOf(issue);
    const entry = this.byReason.get(reason) ?? { count: 0, messages: new Map<string, number>() };
    entry.count++;
    entry.messages.set(issue.message, (entry.messages.get(issue.message) ?? 0) + 1);
    this.byReason.set(reason, entry);
  }

  sorted(): ReasonCount[] {
    return [...this.byReason.entries()]
      .map(([reason, { count, messages }]) => {
        const [message, n] = [...messages.entries()].reduce((a, b) => (b[1] > a[1] ? b : a));
        // Always the same message: say it whole rather than with its values left out.
        if (messages.size === 1) return { reason: `${reason.slice(0, reason.indexOf(' : '))} : ${message}`, count };
        return message.includes('«') ? { reason, count, example: { message, count: n } } : { reason, count };
      })
      .sort((a, b) => b.count - a.count);
  }
}

export function contentHash(place: Place): string {
  const h = createHash('sha256');
  for (const f of FIELDS) h.update(`${f}=${JSON.stringify(place[f])}\n`);
  return h.digest('hex');
}

export function searchTextOf(place: Place): string {
  return foldText(
    [
      place.nom,
      place.commune,
      place.code_postal,
      place.adresse,
      place.structure_parente ?? '',
      place.presentation_resume ?? '',
      place.typologie.join(' '),
    ].join(' '),
  );
}

export function openMinutesOf(horaires: string | null): string | null {
  const intervals = weeklyIntervals(horaires);
  if (!intervals || intervals.length === 0) return null;
  return `{${intervals.map(([a, b]) => `[${a},${b})`).join(',')}}`;
}

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

  progress('lecture', 0, 1);
  const file = readPlacesFile(bytes, options.fileName);
  if (!file.ok) throw new ImportFileError(file.error);

  const rejectionReasons = new ReasonCounter();
  const correctionReasons = new ReasonCounter();
  const rejections: RowOutcome[] = [];
  const corrections: RowOutcome[] = [];
  const accepted: Array<{ line: number; place: Place }> = [];
  const firstLineOfId = new Map<string, number>();
  let corrected = 0;

  const reject = (outcome: RowOutcome) => {
    for (const issue of outcome.issues) rejectionReasons.add(issue);
    if (rejections.length < DETAIL_LIMIT) rejections.push(outcome);
  };

  file.rows.forEach((row, index) => {
    if (index % 2000 === 0) progress('vérification', index, file.rows.length);
    const result = normaliseRow(row.values, { today });
    const rawId =
      typeof row.values.id === 'string' || typeof row.values.id === 'number' ? String(row.values.id).trim() : undefined;
    if (!result.ok) {
      reject({ line: row.line, ...(rawId ? { id: rawId } : {}), issues: result.errors });
      return;
    }
    const seenAt = firstLineOfId.get(result.place.id);
    if (seenAt !== undefined) {
      reject({
        line: row.line,
        id: result.place.id,
        issues: [{ field: 'id', message: `Identifiant en double dans le fichier : déjà utilisé ligne ${seenAt}.` }],
      });
      return;
    }
    firstLineOfId.set(result.place.id, row.line);
    if (result.corrections.length > 0) {
      corrected++;
      for (const issue of result.corrections) correctionReasons.add(issue);
      if (corrections.length < DETAIL_LIMIT)
        corrections.push({ line: row.line, id: result.place.id, issues: result.corrections });
    }
    accepted.push({ line: row.line, place: result.place });
  });
  progress('vérification', file.rows.length, file.rows.length);

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
    rows: file.rows.length,
    created: 0,
    updated: 0,
    unchanged: 0,
    keptNewer: 0,
    rejected: file.rows.length - accepted.length,
    approximated: 0,
    unlocated: 0,
    corrected,
  };
  const now = deps.clock();
  for (let i = 0; i < accepted.length; i++) {
    if (i % 2000 === 0) progress('localisation', i, accepted.length);
    const { place, line } = accepted[i] as { line: number; place: Place };
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
    const hash = contentHash(place);
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
      search_text: searchTextOf(place),
      open_minutes: openMinutesOf(place.horaires),
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
    await upsertPlaces(tx, writes);
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
