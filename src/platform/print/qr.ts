/**
 * QR codes drawn as vectors: one rectangle per horizontal run of dark modules, in module units
 * under a scaling transform, filled as a single path. No bitmap, so thousands of QR codes stay
 * cheap to render and print sharply at any resolution — on paper (PDF) and on screen (SVG).
 */
import QRCode from 'qrcode';
import { INK, type PdfDocument } from './pdf.ts';

/** One horizontal run of dark modules: `length` modules from (row, col). */
export interface QrRun {
  row: number;
  col: number;
  length: number;
}

interface QrSegment {
  mode: unknown;
  getLength(): number;
}

/**
 * How the library splits a text into numeric, alphanumeric and byte segments (the split that
 * gives the shortest bit stream: a shortest-path search over every possible split, about half
 * of the cost of a QR code) depends only on the class of each character — digit, other
 * character of the alphanumeric set, anything else — when the text is printable ASCII (one
 * byte per character). Links that differ only in their code (« …/fiche/KPXA-V784 », « …?code=
 * K7MC3PX4TF ») share a few hundred class patterns: the split of a pattern is kept and applied
 * to the next text of that pattern, which the library then encodes as if it had found the split
 * itself: the same segments, version, mask and modules (qr.test.ts compares them).
 */
const splits = new Map<string, Array<{ mode: unknown; length: number }>>();
const SPLITS_KEPT = 4096;
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

function classPattern(text: string): string {
  let pattern = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // Digits; then A–Z and « space $ % * + - . / : » (the alphanumeric mode's other characters).
    pattern +=
      c >= 48 && c <= 57
        ? 'N'
        : (c >= 65 && c <= 90) ||
            c === 32 ||
            c === 36 ||
            c === 37 ||
            c === 42 ||
            c === 43 ||
            c === 45 ||
            c === 46 ||
            c === 47 ||
            c === 58
          ? 'A'
          : 'B';
  }
  return pattern;
}

/** The module matrix of a QR code (error correction M: 15 % of the symbol recoverable). */
export function qrModules(text: string): { size: number; data: Uint8Array } {
  if (!PRINTABLE_ASCII.test(text)) return QRCode.create(text, { errorCorrectionLevel: 'M' }).modules;
  const pattern = classPattern(text);
  const split = splits.get(pattern);
  if (split) {
    let at = 0;
    const segments = split.map((s) => {
      const data = text.slice(at, at + s.length);
      at += s.length;
      return { data, mode: s.mode };
    });
    return QRCode.create(segments as Parameters<typeof QRCode.create>[0], { errorCorrectionLevel: 'M' }).modules;
  }
  const symbol = QRCode.create(text, { errorCorrectionLevel: 'M' });
  if (splits.size >= SPLITS_KEPT) splits.delete(splits.keys().next().value as string);
  splits.set(
    pattern,
    (symbol.segments as unknown as QrSegment[]).map((s) => ({ mode: s.mode, length: s.getLength() })),
  );
  return symbol.modules;
}

/** Maximal horizontal runs of dark modules, row by row, left to right. */
export function qrRuns(modules: { size: number; data: ArrayLike<number> }): QrRun[] {
  const { size, data } = modules;
  const runs: QrRun[] = [];
  for (let row = 0; row < size; row++) {
    let col = 0;
    while (col < size) {
      if (!data[row * size + col]) {
        col++;
        continue;
      }
      const start = col;
      while (col < size && data[row * size + col]) col++;
      runs.push({ row, col: start, length: col - start });
    }
  }
  return runs;
}

/** PDF path operators of the runs, in module units (one `re` per run; y grows downwards). */
export function qrPath(runs: readonly QrRun[]): string {
  return runs.map((r) => `${r.col} ${r.row} ${r.length} 1 re`).join('\n');
}

/** Draws the QR code of `text` as a `size`-point square at (x, y) of a PDF page, in black ink. */
export function drawQr(doc: PdfDocument, text: string, x: number, y: number, size: number): void {
  const modules = qrModules(text);
  const scale = size / modules.size;
  doc.save().fillColor(INK.black).transform(scale, 0, 0, scale, x, y);
  doc.addContent(qrPath(qrRuns(modules)));
  doc.fill().restore();
}

/**
 * The QR code of `text` as an SVG element for a page (one path, a four-module quiet zone, no
 * inline style, so the strict CSP allows it). `label` is what a screen reader says.
 */
export function qrSvg(text: string, label: string): string {
  const modules = qrModules(text);
  const side = modules.size + 8;
  const d = qrRuns(modules)
    .map((r) => `M${r.col + 4} ${r.row + 4}h${r.length}v1h-${r.length}z`)
    .join('');
  const escaped = label.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${side} ${side}" role="img" aria-label="${escaped}" shape-rendering="crispEdges"><rect width="${side}" height="${side}" fill="#fff"/><path d="${d}" fill="#000"/></svg>`;
}
