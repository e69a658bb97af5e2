/**
 * Printed documents (PDF, A4) with PDFKit: its built-in Helvetica and Courier fonts, no font
 * file to ship. Those fonts use WinAnsi encoding, so every string goes through pdfSafeText
 * first; text and QR codes are printed in pure black ink (CMYK K), which keeps small
 * characters and QR modules crisp on offset and laser printers alike.
 *
 * A document is streamed part by part (a booklet, a slip…): the consumer's pace bounds the
 * memory, whatever the number of parts.
 */
import { createRequire } from 'node:module';
import { pipeline } from 'node:stream/promises';
import type PDFDocumentClass from 'pdfkit';

/**
 * PDFKit is loaded by the first document, not when the server starts: it takes about 0.25 s of
 * CPU to load and a restart needs none of it to answer (issue 12, bench/startup.ts). Its
 * CommonJS build is required synchronously, so that making a document stays synchronous.
 */
let PDFDocument: typeof PDFDocumentClass | undefined;
function pdfKit(): typeof PDFDocumentClass {
  PDFDocument ??= createRequire(import.meta.url)('pdfkit') as typeof PDFDocumentClass;
  return PDFDocument;
}

export type PdfDocument = PDFKit.PDFDocument;

/** A4 in points; PDFKit's y axis points down. */
export const A4 = { width: 595.28, height: 841.89 } as const;

/** Inks (CMYK): pure black, and greys printed as black tints. */
export const INK = {
  black: [0, 0, 0, 100] as [number, number, number, number],
  grey: [0, 0, 0, 65] as [number, number, number, number],
  light: [0, 0, 0, 30] as [number, number, number, number],
  tint: [0, 0, 0, 6] as [number, number, number, number],
  paper: [0, 0, 0, 0] as [number, number, number, number],
};

// ---------------------------------------------------------------------------------------------
// Text that the standard fonts can print
// ---------------------------------------------------------------------------------------------

/** Characters of WinAnsiEncoding outside Latin-1 (0x80–0x9F), the ones PDFKit can encode. */
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
/** Letters that do not decompose into a base letter plus accents. */
const TRANSLITERATION: ReadonlyMap<string, string> = new Map([
  ['Ł', 'L'],
  ['ł', 'l'],
  ['Đ', 'D'],
  ['đ', 'd'],
  ['ı', 'i'],
  ['Ŀ', 'L'],
  ['ŀ', 'l'],
]);
const NBSP = '\u00a0';

function isWinAnsi(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  return (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.has(char);
}

/**
 * Text that PDFKit's standard fonts (WinAnsi) print as written. Curly quotes and primes become
 * straight ones, the narrow and other fixed-width no-break spaces a plain no-break space, other
 * spaces and line breaks a single space; invisible characters, controls, pictographs (emoji)
 * and stray combining marks are dropped; accented letters outside WinAnsi lose their accents (ő → o, ł → l) and
 * anything else becomes « ? ». Without this, PDFKit writes such characters as several bytes of
 * garbage.
 */
export function pdfSafeText(text: string): string {
  const cleaned = text
    .normalize('NFC')
    .replace(/[\u00ad\u200b-\u200f\u2060-\u2064\ufeff]/g, '')
    .replace(/[\u2018\u2019\u201a\u201b\u2032\u02bc\u00b4]/g, "'")
    .replace(/[\u201c\u201d\u201e\u201f\u2033]/g, '"')
    .replace(/[\u2010\u2011\u2012\u2043\u2212]/g, '-')
    .replace(/[\u00a0\u2007\u2009\u200a\u202f]/g, NBSP)
    .replace(/[^\S\u00a0]+/g, ' ')
    .replace(/[\p{Cc}\p{Extended_Pictographic}\p{Emoji_Modifier}\p{Regional_Indicator}\u{e0020}-\u{e007f}]/gu, '')
    .trim();
  let safe = '';
  for (const char of cleaned) {
    if (isWinAnsi(char)) safe += char;
    else if (/\p{M}/u.test(char)) {
      // A mark left over after NFC (variation selector, keycap, stacked accent): dropped.
    } else {
      const base = (TRANSLITERATION.get(char) ?? char).normalize('NFD').replace(/\p{M}/gu, '');
      safe += base !== '' && [...base].every(isWinAnsi) ? base : '?';
    }
  }
  return safe.replace(/ {2,}/g, ' ').trim();
}

// ---------------------------------------------------------------------------------------------
// Documents
// ---------------------------------------------------------------------------------------------

export interface PdfMetadata {
  title: string;
  author: string;
  subject?: string;
}

/** An A4 document in French, no margins (layouts place everything), pages added by the caller. */
export function createPdfDocument(meta: PdfMetadata, options: { compress?: boolean } = {}): PdfDocument {
  const Document = pdfKit();
  return new Document({
    size: 'A4',
    margin: 0,
    autoFirstPage: false,
    compress: options.compress ?? true,
    lang: 'fr-FR',
    displayTitle: true,
    info: {
      Title: meta.title,
      Author: meta.author,
      ...(meta.subject ? { Subject: meta.subject } : {}),
      Creator: 'Passerelle',
    },
  });
}

/**
 * The bytes of a document, drawn part by part: each call of `draw` adds its pages, and what
 * those pages produced is handed on before the next part is drawn.
 */
export async function* pdfChunks<T>(
  doc: PdfDocument,
  parts: Iterable<T>,
  draw: (part: T) => void,
): AsyncGenerator<Buffer> {
  // PDFKit writes synchronously into its readable side, which stays paused: what a part
  // produced (pages are written out as soon as the next one starts) is read back right away.
  const written = function* (): Generator<Buffer> {
    for (let chunk = doc.read() as Buffer | null; chunk !== null; chunk = doc.read() as Buffer | null) yield chunk;
  };
  for (const part of parts) {
    draw(part);
    yield* written();
  }
  doc.end(); // writes the last page, the fonts, the cross-reference table and the trailer
  yield* written();
}

/** Streams the document to `out` and resolves once everything is written (`out` is ended). */
export async function writePdf<T>(
  out: NodeJS.WritableStream,
  doc: PdfDocument,
  parts: Iterable<T>,
  draw: (part: T) => void,
): Promise<void> {
  await pipeline(pdfChunks(doc, parts, draw), out);
}

/** The whole document in memory (small documents, tests). */
export async function pdfBuffer<T>(doc: PdfDocument, parts: Iterable<T>, draw: (part: T) => void): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of pdfChunks(doc, parts, draw)) chunks.push(chunk);
  return Buffer.concat(chunks);
}

// ---------------------------------------------------------------------------------------------
// Text layout
// ---------------------------------------------------------------------------------------------

/**
 * Measures of text, per document: the same strings come back on every page of a print run,
 * and PDFKit's measuring (glyphs and kerning pairs) is a good share of the drawing time.
 */
const measures = new WeakMap<PdfDocument, Map<string, number>>();

export function measured(doc: PdfDocument, key: string, measure: () => number): number {
  let cache = measures.get(doc);
  if (cache === undefined) {
    cache = new Map();
    measures.set(doc, cache);
  }
  let value = cache.get(key);
  if (value === undefined) {
    value = measure();
    cache.set(key, value);
  }
  return value;
}

/** Width of `text` in `font` at `size` (characterSpacing included). */
export function textWidth(doc: PdfDocument, font: string, size: number, text: string, characterSpacing = 0): number {
  return measured(doc, `w\0${font}\0${size}\0${characterSpacing}\0${text}`, () =>
    doc.font(font).fontSize(size).widthOfString(text, { characterSpacing }),
  );
}

/** Largest font size from `max` down to `min`, by half points, at which `text` fits in `width`. */
export function fitFontSize(
  doc: PdfDocument,
  font: string,
  text: string,
  width: number,
  max: number,
  min: number,
): number {
  return measured(doc, `f\0${font}\0${width}\0${max}\0${min}\0${text}`, () => {
    let size = max;
    while (size > min && textWidth(doc, font, size, text) > width) size -= 0.5;
    return size;
  });
}

/** One line of text, shrunk to fit `width` (down to `min`), else cut with an ellipsis. */
export function fittedLine(
  doc: PdfDocument,
  text: string,
  x: number,
  y: number,
  width: number,
  font: string,
  max: number,
  min = max,
): void {
  const size = fitFontSize(doc, font, text, width, max, min);
  doc.font(font).fontSize(size);
  if (textWidth(doc, font, size, text) <= width) doc.text(text, x, y, { lineBreak: false });
  else doc.text(text, x, y, { width, height: size * 1.3, ellipsis: true });
}

/** Wrapped text that never runs past `bottom`; returns the y below it. */
export function paragraph(
  doc: PdfDocument,
  text: string,
  x: number,
  y: number,
  width: number,
  bottom: number,
  gap = 2,
): number {
  if (bottom - y < doc.currentLineHeight(true)) return y;
  doc.text(text, x, y, { width, height: bottom - y, ellipsis: true, lineGap: gap });
  return doc.y;
}

/**
 * A block of wrapped text at (x, y), drawn or only measured; returns the y below it. Measuring
 * and drawing go through the same line wrapper, so a measured layout is the drawn one.
 */
export function textBlock(
  doc: PdfDocument,
  draw: boolean,
  font: string,
  size: number,
  text: string,
  x: number,
  y: number,
  width: number,
): number {
  doc.font(font).fontSize(size);
  const height = measured(doc, `h\0${font}\0${size}\0${width}\0${text}`, () =>
    doc.heightOfString(text, { width, lineGap: 2 }),
  );
  if (draw) doc.text(text, x, y, { width, lineGap: 2 });
  return y + height;
}
