/** What normalising a row found: errors reject the row, corrections are kept for the report. */
import { looksLikeFormula } from '../../../platform/print/csv.ts';
import { formatDecimal } from '../standard.ts';

export type Issue = { field: string; message: string };

export class RowReport {
  readonly errors: Issue[] = [];
  readonly corrections: Issue[] = [];

  error(field: string, message: string): void {
    this.errors.push({ field, message });
  }

  fix(field: string, message: string): void {
    this.corrections.push({ field, message });
  }
}

/** A value quoted in a message, shortened when long. */
export function quote(value: string, max = 60): string {
  const chars = [...value];
  return `« ${chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : value} »`;
}

const NULL_WORDS = new Set(['null', 'n/a', 'nan', 'undefined', 'none', '#n/a']);

/**
 * A raw value (string, number from a JSON file or a spreadsheet, …) as text, or null when
 * absent. Placeholders such as « NULL » count as absent (noted as a correction).
 */
export function asText(raw: unknown, field: string, report: RowReport): string | null {
  if (raw === null || raw === undefined) return null;
  let text: string;
  if (typeof raw === 'string') text = raw.normalize('NFC');
  else if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) {
      report.error(field, `Valeur illisible : ${String(raw)}.`);
      return null;
    }
    text = formatDecimal(raw);
  } else if (typeof raw === 'boolean' || typeof raw === 'bigint') text = String(raw);
  else if (Array.isArray(raw) && raw.every((v) => typeof v === 'string' || typeof v === 'number')) {
    text = raw.join('|').normalize('NFC');
  } else {
    report.error(field, 'Valeur illisible : un texte est attendu.');
    return null;
  }
  const trimmed = text.trim();
  if (trimmed === '') return null;
  if (NULL_WORDS.has(trimmed.toLowerCase())) {
    report.fix(field, `Valeur ${quote(trimmed)} considérée comme vide.`);
    return null;
  }
  return text;
}

/** One line of text: line breaks and runs of spaces become one space. */
export function cleanLine(text: string): string {
  return text
    .replace(/\s*[\r\n]+\s*/g, ' ')
    .replace(/[ \t\u00a0]{2,}|\t/g, ' ')
    .trim();
}

/** A text that may keep its paragraphs: trailing spaces, runs of spaces and blank lines go. */
export function cleanParagraphs(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/[ \t]{2,}|\t/g, ' ')
    .trim();
}

/** Reads a text field, cleaning it and noting the cleaning. */
export function readText(raw: unknown, field: string, report: RowReport, clean = cleanLine): string | null {
  const text = asText(raw, field, report);
  if (text === null) return null;
  const cleaned = clean(text);
  if (looksLikeFormula(cleaned)) {
    // A spreadsheet opening the export would run it (ADR 0016): refused, not silently changed.
    report.error(
      field,
      `Le champ ${field} ressemble à une formule de tableur (« ${[...cleaned][0]} » au début) : un tableur l'exécuterait. Reformulez-le.`,
    );
    return null;
  }
  if (cleaned !== text.replace(/\r\n?/g, '\n')) report.fix(field, 'Espaces en trop retirés.');
  return cleaned === '' ? null : cleaned;
}
