/**
 * Reading and checking a file of places: decoding, parsing, normalising every row, and the
 * columns computed from each place. Pure CPU work with no database, so that it can run in a
 * worker thread (check-worker.ts): a 24 MB file takes seconds, during which the server must
 * keep answering. Places are handed over in chunks, each one a short pause for the receiver.
 */
import type { Place } from '../standard.ts';
import { contentHash, openMinutesOf, searchTextOf } from './computed.ts';
import { normaliseRow } from './normalise-row.ts';
import { readPlacesFile } from './read-file.ts';
import { ReasonCounter, type ReasonTally } from './reasons.ts';
import type { Issue } from './report.ts';

export interface RowOutcome {
  line: number;
  id?: string;
  issues: Issue[];
}

/** A place that passed the checks, with what the database stores beside it. */
export interface CheckedPlace {
  line: number;
  place: Place;
  hash: string;
  searchText: string;
  openMinutes: string | null;
  /** Whether normalising the row noted corrections (it counts once among « corrigés »). */
  corrected: boolean;
}

export interface CheckSummary {
  format: 'csv' | 'json';
  encoding: string;
  separator?: string;
  rows: number;
  corrected: number;
  rejectionReasons: ReasonTally;
  correctionReasons: ReasonTally;
  rejections: RowOutcome[];
  corrections: RowOutcome[];
  unknownColumns: string[];
  renamedColumns: Array<{ from: string; to: string }>;
}

export type CheckMessage =
  | { type: 'progress'; phase: 'lecture' | 'vérification'; done: number; total: number }
  | { type: 'places'; places: CheckedPlace[] }
  | { type: 'unreadable'; error: string }
  | { type: 'done'; summary: CheckSummary };

/** How many rows are detailed in full in the report, per kind. */
export const DETAIL_LIMIT = 500;
/** Places per message: each is decoded on the server's thread, so keep it a short pause. */
const CHUNK = 250;

export function checkPlacesFile(
  bytes: Buffer,
  options: { fileName: string; today: string },
  send: (message: CheckMessage) => void,
): void {
  send({ type: 'progress', phase: 'lecture', done: 0, total: 1 });
  const file = readPlacesFile(bytes, options.fileName);
  if (!file.ok) {
    send({ type: 'unreadable', error: file.error });
    return;
  }
  const rejectionReasons = new ReasonCounter();
  const correctionReasons = new ReasonCounter();
  const rejections: RowOutcome[] = [];
  const corrections: RowOutcome[] = [];
  const firstLineOfId = new Map<string, number>();
  let corrected = 0;
  let chunk: CheckedPlace[] = [];

  const reject = (outcome: RowOutcome) => {
    for (const issue of outcome.issues) rejectionReasons.add(issue);
    if (rejections.length < DETAIL_LIMIT) rejections.push(outcome);
  };

  file.rows.forEach((row, index) => {
    if (index % 2000 === 0) send({ type: 'progress', phase: 'vérification', done: index, total: file.rows.length });
    const result = normaliseRow(row.values, { today: options.today, dropBadOptionalValues: true });
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
    const place = result.place;
    chunk.push({
      corrected: result.corrections.length > 0,
      line: row.line,
      place,
      hash: contentHash(place),
      searchText: searchTextOf(place),
      openMinutes: openMinutesOf(place.horaires),
    });
    if (chunk.length === CHUNK) {
      send({ type: 'places', places: chunk });
      chunk = [];
    }
  });
  if (chunk.length > 0) send({ type: 'places', places: chunk });
  send({ type: 'progress', phase: 'vérification', done: file.rows.length, total: file.rows.length });
  send({
    type: 'done',
    summary: {
      format: file.format,
      encoding: file.encoding,
      ...(file.separator ? { separator: file.separator } : {}),
      rows: file.rows.length,
      corrected,
      rejectionReasons: rejectionReasons.tally(),
      correctionReasons: correctionReasons.tally(),
      rejections,
      corrections,
      unknownColumns: file.unknownColumns,
      renamedColumns: file.renamedColumns,
    },
  });
}
