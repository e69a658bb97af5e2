/**
 * CSV that a spreadsheet opens without running anything (ADR 0016).
 *
 * A cell that *starts* like a formula — =, +, -, @ or their full-width forms, possibly after
 * spaces, or a tab or carriage return first — and is not a plain number (`-5.93`,
 * `+33494360085` are kept exactly: a spreadsheet reads them as numbers) is written with a
 * leading apostrophe. That is the rule for the files the product makes up itself (reports,
 * statements, voucher codes).
 *
 * A file that follows a national schema (the places export) must keep valid values as they
 * are, and real names do start with « @ » or « - » (« @telier connecté »). There only a cell that
 * could *do* something is neutralised: one starting with = or calling a function, another
 * workbook or a program (`(`, `!`, `|`). Inputs refuse such text (`looksLikeFormula`), so
 * that neutralising never changes a valid value.
 */
import { stringify } from 'csv-stringify/sync';

const FORMULA_START = /^(?:[\s]*[=+\-@\uFF1D\uFF0B\uFF0D\uFF20]|[\t\r\n])/u;
const EQUALS_START = /^[\s]*[=\uFF1D]/u;
const ACTIVE_PART = /[(!|\uFF08\uFF01\uFF5C]/u;
const PLAIN_NUMBER = /^[+-]?(?:\d+(?:[.,]\d+)?|[.,]\d+)$/;

/** Whether a spreadsheet would read the text as a formula at all (it may only show #NOM?). */
export function startsLikeFormula(text: string): boolean {
  return FORMULA_START.test(text) && !PLAIN_NUMBER.test(text);
}

/** Whether the text is a formula that can act: what inputs refuse (ADR 0016). */
export function looksLikeFormula(text: string): boolean {
  return startsLikeFormula(text) && (EQUALS_START.test(text) || ACTIVE_PART.test(text));
}

export type Neutralise = 'any-formula' | 'active-formula';

/** The cell as written: unchanged, or with a leading apostrophe. */
export function spreadsheetSafeCell(value: unknown, neutralise: Neutralise = 'any-formula'): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : String(value);
  const risky = neutralise === 'any-formula' ? startsLikeFormula(text) : looksLikeFormula(text);
  return risky ? `'${text}` : text;
}

export interface CsvOptions {
  /** ';' for files opened by a French spreadsheet, ',' for the national schemas. */
  delimiter?: ';' | ',';
  /** Byte-order mark and CRLF line ends (a French spreadsheet on a double click). */
  excel?: boolean;
  /** 'active-formula' for files following a schema (see above); 'any-formula' by default. */
  neutralise?: Neutralise;
}

/** Rows → CSV text, every cell made spreadsheet-safe. */
export function csvRows(rows: readonly (readonly unknown[])[], options: CsvOptions = {}): string {
  const neutralise = options.neutralise ?? 'any-formula';
  return stringify(
    rows.map((row) => row.map((cell) => spreadsheetSafeCell(cell, neutralise))),
    {
      delimiter: options.delimiter ?? ',',
      // A line break of either kind ends a row for some reader: quote it.
      quoted_match: /[\r\n]/,
      ...(options.excel ? { bom: true, record_delimiter: 'windows' as const } : {}),
    },
  );
}
