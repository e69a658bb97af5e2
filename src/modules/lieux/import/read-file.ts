/**
 * Reads an uploaded places file (CSV or JSON in the national standard) into raw rows. No
 * value is interpreted here: normalise-row does that, row by row.
 *
 * Decisions:
 * - a CSV syntax error (a quote never closed, text after a closing quote) fails the whole file
 *   with its line number: csv-parse cannot resynchronise reliably, and dropping the following
 *   lines silently would be worse;
 * - a row whose cell count differs from the header's is kept with a `__cellCountMismatch`
 *   marker ({ expected, found }) so that normalise-row rejects that row only, with its line
 *   number (extra cells that are all empty, as spreadsheets write them, are not a mismatch);
 * - rows whose cells are all empty are skipped; a file with no row at all is an error.
 */
import { parse } from 'csv-parse/sync';
import { planColumns } from './columns.ts';
import { decodeBytes, type Encoding } from './decode.ts';
import { jsonErrorOffset } from './json-syntax.ts';

export type Separator = ',' | ';' | '\t';
export type RawRow = { line: number; values: Record<string, unknown> };
export type ReadResult =
  | {
      ok: true;
      format: 'csv' | 'json';
      encoding: Encoding;
      separator?: Separator;
      rows: RawRow[];
      columns: string[];
      unknownColumns: string[];
      renamedColumns: Array<{ from: string; to: string }>;
    }
  | { ok: false; code: string; error: string };

/** Marker set on a CSV row whose number of cells differs from the header's. */
export const CELL_COUNT_MISMATCH = '__cellCountMismatch';
export type CellCountMismatch = { expected: number; found: number };

type Failure = Extract<ReadResult, { ok: false }>;
const fail = (code: string, error: string): Failure => ({ ok: false, code, error });

export function readPlacesFile(bytes: Buffer, fileName = ''): ReadResult {
  if (bytes.length === 0) return fail('empty', 'Le fichier est vide.');
  const decoded = decodeBytes(bytes, fileName);
  if (!decoded.ok) return decoded;
  const text = decoded.text;
  if (text.trim() === '') return fail('empty', 'Le fichier est vide.');
  const first = /\S/.exec(text)?.[0];
  if (first === '[' || first === '{' || /\.json$/i.test(fileName)) return readJson(text, decoded.encoding);
  return readCsv(text, decoded.encoding);
}

/** 1-based line and column of a character offset. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

function readJson(text: string, encoding: Encoding): ReadResult {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    const stated = /position (\d+)/.exec(String((e as Error).message))?.[1];
    const offset = stated === undefined ? jsonErrorOffset(text) : Number(stated);
    let where = '';
    if (offset !== null && offset >= text.trimEnd().length) where = ' à la fin du fichier (il semble incomplet)';
    else if (offset !== null) {
      const { line, column } = lineAndColumn(text, offset);
      where = ` ligne ${line}, colonne ${column}`;
    }
    return fail('json_syntax', `Le fichier JSON est mal formé${where}.`);
  }
  if (!Array.isArray(data)) {
    return fail(
      'json_not_array',
      'Le fichier JSON doit contenir une liste de lieux entre crochets : [ { "id": …, "nom": … }, … ].',
    );
  }
  if (data.length === 0) return fail('no_rows', 'Le fichier ne contient aucun lieu.');
  const keyNames = new Map<string, string>();
  const rawNames: string[] = [];
  for (let i = 0; i < data.length; i++) {
    const element: unknown = data[i];
    if (element === null || typeof element !== 'object' || Array.isArray(element)) {
      const what =
        element === null ? 'null' : Array.isArray(element) ? 'une liste' : `« ${String(element).slice(0, 40)} »`;
      return fail(
        'json_not_object',
        `L'élément n° ${i + 1} de la liste n'est pas un lieu (un objet { … }) : il vaut ${what}.`,
      );
    }
    for (const key of Object.keys(element)) {
      if (!keyNames.has(key)) {
        keyNames.set(key, '');
        rawNames.push(key);
      }
    }
  }
  const check = planColumns(rawNames, 'json');
  if (!check.ok) return check;
  const { names, ...columns } = check.plan;
  for (let i = 0; i < rawNames.length; i++) keyNames.set(rawNames[i] as string, names[i] ?? '');
  const rows: RawRow[] = data.map((element: Record<string, unknown>, i) => {
    const values: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(element)) {
      const name = keyNames.get(key);
      if (name) values[name] = value;
    }
    return { line: i + 1, values };
  });
  return { ok: true, format: 'json', encoding, rows, ...columns };
}

/** The separator used most often, outside quotes, on the header line. */
export function detectSeparator(headerLine: string): Separator {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const c of headerLine) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && (c === ',' || c === ';' || c === '\t')) counts[c]++;
  }
  if (counts[';'] >= counts[','] && counts[';'] >= counts['\t'] && counts[';'] > 0) return ';';
  return counts['\t'] > counts[','] ? '\t' : ',';
}

type CsvError = Error & { code?: string; lines?: number; records?: number };

const CSV_OPTIONS = { record_delimiter: '\n', relax_quotes: true, relax_column_count: true, trim: true } as const;

/** Lines taken by a CSV record (a value between quotes may span several lines). */
function linesOf(record: string[]): number {
  let lines = 1;
  for (const cell of record) if (cell.includes('\n')) lines += countNewlines(cell);
  return lines;
}

function csvSyntaxError(error: CsvError, text: string, separator: Separator, offset: number): Failure {
  if (error.code === 'CSV_QUOTE_NOT_CLOSED') {
    // The record that never ends starts after the complete ones.
    const complete = parse(text, { ...CSV_OPTIONS, delimiter: separator, to: error.records ?? 0 }) as string[][];
    const line = complete.reduce((sum, record) => sum + linesOf(record), 1 + offset);
    return fail(
      'csv_syntax',
      `Ligne ${line} : un guillemet (") est ouvert et jamais fermé. Vérifiez cette ligne puis importez à nouveau le fichier.`,
    );
  }
  return fail(
    'csv_syntax',
    `Ligne ${(error.lines ?? 0) + offset} : guillemet mal placé. Dans une valeur entre guillemets, un guillemet s'écrit "" (doublé). Corrigez cette ligne puis importez à nouveau le fichier.`,
  );
}

function countNewlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

function readCsv(input: string, encoding: Encoding): ReadResult {
  let text = input.includes('\r') ? input.replace(/\r\n?/g, '\n') : input;
  let offset = 0;
  let forced: Separator | undefined;
  // Excel may write a « sep=; » line before the header.
  const sepLine = /^sep=([,;\t])[ \t]*\n/i.exec(text);
  if (sepLine) {
    forced = sepLine[1] as Separator;
    text = text.slice(sepLine[0].length);
    offset = 1;
  }
  const headerLine = /^(?:[ \t]*\n)*([^\n]*)/.exec(text)?.[1] ?? '';
  const separator = forced ?? detectSeparator(headerLine);
  let records: string[][];
  try {
    // Empty lines are kept (as [""]) so that physical line numbers can be counted.
    records = parse(text, { ...CSV_OPTIONS, delimiter: separator }) as string[][];
  } catch (e) {
    return csvSyntaxError(e as CsvError, text, separator, offset);
  }
  let line = offset + 1;
  let r = 0;
  const isEmpty = (record: string[]) => record.every((cell) => cell === '');
  for (; r < records.length && isEmpty(records[r] as string[]); r++) line++;
  const header = records[r];
  if (!header) return fail('empty', 'Le fichier est vide.');
  line += linesOf(header);
  const check = planColumns(header, 'csv');
  if (!check.ok) return check;
  const { names, ...columns } = check.plan;
  const rows: RawRow[] = [];
  for (r++; r < records.length; r++) {
    const record = records[r] as string[];
    const start = line;
    line += linesOf(record);
    if (isEmpty(record)) continue;
    const values: Record<string, unknown> = {};
    for (let c = 0; c < names.length; c++) {
      const name = names[c];
      if (name) values[name] = record[c] ?? '';
    }
    const extraEmpty = record.length > names.length && record.slice(names.length).every((c) => c === '');
    const found = extraEmpty ? names.length : record.length;
    if (found !== names.length) {
      values[CELL_COUNT_MISMATCH] = { expected: names.length, found } satisfies CellCountMismatch;
    }
    rows.push({ line: start, values });
  }
  if (rows.length === 0) {
    return fail('no_rows', 'Le fichier ne contient aucun lieu : seulement la ligne des noms de colonnes.');
  }
  return { ok: true, format: 'csv', encoding, separator, rows, ...columns };
}
