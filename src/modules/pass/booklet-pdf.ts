import {
  A4,
  textBlock as block,
  createPdfDocument,
  drawQr,
  fitFontSize,
  formatDate,
  formatEuros,
  INK,
  fittedLine as line,
  type PdfDocument,
  paragraph,
  pdfBuffer,
  pdfSafeText,
  textWidth,
  writePdf,
} from '../../platform/print/index.ts';
import { formatVoucherCode } from './voucher-code.ts';

/**
 * Printable PDF of « Pass numérique » booklets (carnets), for a print shop or an office printer.
 *
 * Each booklet is a cover page for the beneficiary followed by its chèques, VOUCHERS_PER_PAGE
 * per A4 page: full-width slips of equal height, so the printer only makes horizontal cuts along
 * the dotted lines. A booklet always starts on a new page. Printed on one side (recto only).
 *
 * Each chèque carries a vector QR code of its redemption link. Fonts, inks, safe text, QR codes
 * and streaming come from platform/print; this file is the booklet's layout.
 */

export interface PrintableVoucher {
  code: string /* canonical, e.g. 'K7MC3PX4TF' */;
  position: number /* 1..n */;
}
export interface PrintableBooklet {
  number: string /* e.g. 'C-000123' */;
  vouchers: PrintableVoucher[];
}
export interface PrintableProgramme {
  name: string; // e.g. 'Pass numérique du Var 2026'
  funderName: string; // e.g. 'Département du Var'
  faceValueCents: number; // 1000
  validFrom: string; // 'YYYY-MM-DD'
  validUntil: string; // 'YYYY-MM-DD' (the date printed is this one; tolerance is not printed)
  services: string[]; // plain-French labels of what a chèque pays for
  operatorName: string; // shown in the footer
  redeemUrl: string; // e.g. 'https://passerelle.example.fr/pass/encaisser' — QR content is `${redeemUrl}?code=${canonical}`
  findPlacesUrl: string; // e.g. 'https://passerelle.example.fr/lieux?pass_numerique=oui' — where to find a place that accepts chèques
}

export interface BookletPdfOptions {
  /** Deflate the page contents (default true). Tests turn it off to read the drawn text. */
  compress?: boolean;
}

export const VOUCHERS_PER_PAGE = 5;

/** Pages of one booklet: its cover, then its chèques VOUCHERS_PER_PAGE to a page. */
export function bookletPageCount(voucherCount: number): number {
  return 1 + Math.ceil(voucherCount / VOUCHERS_PER_PAGE);
}

/** What a chèque's QR code opens: the redemption page with the canonical code. */
export function voucherLink(redeemUrl: string, canonicalCode: string): string {
  const url = new URL(redeemUrl);
  url.searchParams.set('code', canonicalCode);
  return url.href;
}

/** 'https://passerelle.example.fr/pass/encaisser' → 'passerelle.example.fr/pass/encaisser'. */
function displayUrl(url: string): string {
  return url.replace(/^https?:\/\//, '').replace(/\/$/, '');
}

// ---------------------------------------------------------------------------------------------
// Validation: everything is checked before the first byte is written
// ---------------------------------------------------------------------------------------------

export interface PreparedVoucher {
  code: string;
  displayCode: string;
  position: number;
  link: string;
}
export interface PreparedBooklet {
  number: string;
  /** The number as printed (pdfSafeText). */
  displayNumber: string;
  vouchers: PreparedVoucher[];
}

function checkHttpUrl(url: string, field: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RangeError(`${field} is not an absolute URL: "${url}"`);
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new RangeError(`${field} must be an http(s) URL: "${url}"`);
  }
}

/**
 * Booklets in print order with their chèques sorted by position, display codes and QR links.
 * Throws on a booklet without number or chèque, positions that are not exactly 1..n, an invalid
 * code, or a code or booklet number that appears twice: a misprint costs a whole print run.
 */
export function prepareBooklets(redeemUrl: string, booklets: readonly PrintableBooklet[]): PreparedBooklet[] {
  checkHttpUrl(redeemUrl, 'redeemUrl');
  const numbers = new Set<string>();
  const codes = new Set<string>();
  return booklets.map((booklet) => {
    if (booklet.number.trim() === '') throw new RangeError('a booklet has no number');
    if (numbers.has(booklet.number)) throw new RangeError(`booklet ${booklet.number} appears twice`);
    numbers.add(booklet.number);
    if (booklet.vouchers.length === 0) throw new RangeError(`booklet ${booklet.number} has no voucher`);
    const vouchers = [...booklet.vouchers].sort((a, b) => a.position - b.position);
    return {
      number: booklet.number,
      displayNumber: pdfSafeText(booklet.number),
      vouchers: vouchers.map((voucher, index) => {
        if (voucher.position !== index + 1) {
          throw new RangeError(
            `booklet ${booklet.number}: positions must be 1 to ${vouchers.length}, each once (found ${vouchers.map((v) => v.position).join(', ')})`,
          );
        }
        if (codes.has(voucher.code)) throw new RangeError(`voucher code ${voucher.code} appears twice`);
        codes.add(voucher.code);
        return {
          code: voucher.code,
          displayCode: formatVoucherCode(voucher.code),
          position: voucher.position,
          link: voucherLink(redeemUrl, voucher.code),
        };
      }),
    };
  });
}

interface PreparedProgramme {
  name: string;
  funderName: string;
  faceValue: string;
  validFrom: string;
  validUntil: string;
  services: string[];
  operatorName: string;
  redeemDisplay: string;
  findPlaces: string;
}

function prepareProgramme(programme: PrintableProgramme): PreparedProgramme {
  checkHttpUrl(programme.findPlacesUrl, 'findPlacesUrl');
  if (!Number.isSafeInteger(programme.faceValueCents) || programme.faceValueCents <= 0) {
    throw new RangeError(`not a positive amount in cents: ${programme.faceValueCents}`);
  }
  if (programme.validFrom > programme.validUntil) {
    throw new RangeError(`validFrom (${programme.validFrom}) is after validUntil (${programme.validUntil})`);
  }
  return {
    name: pdfSafeText(programme.name),
    funderName: pdfSafeText(programme.funderName),
    faceValue: pdfSafeText(formatEuros(programme.faceValueCents)),
    validFrom: formatDate(programme.validFrom),
    validUntil: formatDate(programme.validUntil),
    services: programme.services.map(pdfSafeText).filter((s) => s !== ''),
    operatorName: pdfSafeText(programme.operatorName),
    redeemDisplay: pdfSafeText(displayUrl(programme.redeemUrl)),
    findPlaces: pdfSafeText(programme.findPlacesUrl),
  };
}

// ---------------------------------------------------------------------------------------------
// Layout (points; A4 = 595.28 × 841.89; PDFKit's y axis points down)
// ---------------------------------------------------------------------------------------------

const PAGE_WIDTH = A4.width;
const PAGE_HEIGHT = A4.height;
const BLACK = INK.black;
const GREY = INK.grey;
const LIGHT = INK.light;
const TINT = INK.tint;

type Doc = PdfDocument;

// Cover -----------------------------------------------------------------------------------

const COVER_MARGIN = 56;
const COVER_WIDTH = PAGE_WIDTH - 2 * COVER_MARGIN;
const COVER_FOOTER_TOP = PAGE_HEIGHT - 56;

function chequeCount(count: number, faceValue: string): string {
  return `${count} chèque${count > 1 ? 's' : ''} de ${faceValue}`;
}

/** A numbered step: a black disc with the number, a bold title, and an optional detail. */
function step(doc: Doc, draw: boolean, n: number, y: number, title: string, detail?: { text: string; bold: boolean }) {
  const x = COVER_MARGIN;
  const radius = 13;
  const textX = x + 2 * radius + 14;
  const width = COVER_WIDTH - 2 * radius - 14;
  if (draw) {
    doc
      .circle(x + radius, y + radius - 1, radius)
      .fill(BLACK)
      .fillColor(INK.paper)
      .font('Helvetica-Bold')
      .fontSize(15)
      .text(String(n), x, y + radius - 9, { width: 2 * radius, align: 'center', lineBreak: false })
      .fillColor(BLACK);
  }
  let bottom = block(doc, draw, 'Helvetica-Bold', 14, title, textX, y + 4, width);
  if (detail) {
    bottom = block(doc, draw, detail.bold ? 'Helvetica-Bold' : 'Helvetica', 13, detail.text, textX, bottom + 3, width);
  }
  return Math.max(bottom, y + 2 * radius) + 16;
}

/** « Comment faire ? »: the three steps and a warning; returns the y below it. */
function howTo(doc: Doc, draw: boolean, p: PreparedProgramme, top: number): number {
  const x = COVER_MARGIN;
  let y = block(doc, draw, 'Helvetica-Bold', 15, 'Comment faire ?', x, top, COVER_WIDTH) + 10;
  y = step(doc, draw, 1, y, 'Trouvez un lieu qui accepte le Pass numérique :', { text: p.findPlaces, bold: true });
  y = step(doc, draw, 2, y, 'Apportez ce carnet au rendez-vous.');
  y = step(doc, draw, 3, y, 'Donnez un chèque à chaque séance.', {
    text: "L'aide est gratuite pour vous.",
    bold: false,
  });
  doc.fillColor(GREY);
  const warning = `Chaque chèque ne sert qu'une fois : ne le donnez qu'au lieu qui vous aide. Chèques valables du ${p.validFrom} au ${p.validUntil}.`;
  y = block(doc, draw, 'Helvetica', 12, warning, x, y + 4, COVER_WIDTH);
  doc.fillColor(BLACK);
  return y;
}

/**
 * The beneficiary's page. Laid out top-down, except that the « how to » part is measured first
 * and always fits: a long list of services is cut (ending with « … ») to leave room for it.
 */
function drawCover(doc: Doc, p: PreparedProgramme, booklet: PreparedBooklet): void {
  const x = COVER_MARGIN;
  const count = booklet.vouchers.length;
  doc.fillColor(BLACK);

  // Header: funder on the left, booklet number on the right, then the programme name.
  const numberText = `Carnet n° ${booklet.displayNumber}`;
  const numberWidth = Math.min(textWidth(doc, 'Helvetica-Bold', 12, numberText), COVER_WIDTH / 2);
  line(doc, numberText, PAGE_WIDTH - COVER_MARGIN - numberWidth, COVER_MARGIN, numberWidth, 'Helvetica-Bold', 12, 8);
  doc.fillColor(GREY);
  line(doc, p.funderName, x, COVER_MARGIN, COVER_WIDTH - numberWidth - 16, 'Helvetica', 12, 8);
  doc
    .fillColor(BLACK)
    .font('Helvetica-Bold')
    .fontSize(fitFontSize(doc, 'Helvetica-Bold', p.name, COVER_WIDTH, 28, 20));
  let y = paragraph(doc, p.name, x, COVER_MARGIN + 30, COVER_WIDTH, COVER_MARGIN + 130, 0) + 14;
  doc
    .moveTo(x, y)
    .lineTo(x + COVER_WIDTH, y)
    .lineWidth(2)
    .stroke(BLACK);
  y += 20;

  // What the booklet is, in a tinted box.
  const lead = `Ce carnet contient ${chequeCount(count, p.faceValue)} pour vous faire aider au numérique.`;
  const leadBottom = block(doc, false, 'Helvetica-Bold', 18, lead, x + 18, y + 16, COVER_WIDTH - 36);
  const boxBottom = block(
    doc,
    false,
    'Helvetica',
    14,
    `Valable jusqu'au ${p.validUntil}.`,
    x + 18,
    leadBottom + 6,
    1e3,
  );
  doc
    .rect(x, y, COVER_WIDTH, boxBottom + 16 - y)
    .fill(TINT)
    .fillColor(BLACK);
  block(doc, true, 'Helvetica-Bold', 18, lead, x + 18, y + 16, COVER_WIDTH - 36);
  block(doc, true, 'Helvetica', 14, `Valable jusqu'au ${p.validUntil}.`, x + 18, leadBottom + 6, COVER_WIDTH - 36);
  y = boxBottom + 16 + 26;

  // What a chèque pays for, as far as room is left above the « how to » part.
  const servicesBottom = COVER_FOOTER_TOP - 12 - (howTo(doc, false, p, 0) + 18);
  if (p.services.length > 0) {
    y =
      block(doc, true, 'Helvetica-Bold', 15, 'Avec un chèque, vous pouvez vous faire aider pour :', x, y, COVER_WIDTH) +
      6;
    const ellipsisHeight = block(doc, false, 'Helvetica', 13, '…', x, 0, COVER_WIDTH) + 4;
    for (const [i, service] of p.services.entries()) {
      const room = i === p.services.length - 1 ? servicesBottom : servicesBottom - ellipsisHeight;
      const text = block(doc, false, 'Helvetica', 13, service, x + 22, y, COVER_WIDTH - 22) <= room ? service : '…';
      doc
        .font('Helvetica')
        .fontSize(13)
        .text('•', x + 6, y, { lineBreak: false });
      y = block(doc, true, 'Helvetica', 13, text, x + 22, y, COVER_WIDTH - 22) + 4;
      if (text === '…') break;
    }
    y += 18;
  }

  howTo(doc, true, p, y);

  // Footer.
  doc
    .moveTo(x, COVER_FOOTER_TOP)
    .lineTo(x + COVER_WIDTH, COVER_FOOTER_TOP)
    .lineWidth(0.5)
    .stroke(LIGHT);
  doc.fillColor(GREY);
  line(
    doc,
    `${p.name} · ${p.funderName} · Carnet édité par ${p.operatorName} · ${numberText}`,
    x,
    COVER_FOOTER_TOP + 10,
    COVER_WIDTH,
    'Helvetica',
    9,
    6,
  );
  doc.fillColor(BLACK);
}

// Chèques ------------------------------------------------------------------------------------

const SLIP_HEIGHT = PAGE_HEIGHT / VOUCHERS_PER_PAGE;
const SLIP_PADDING_X = 36;
const QR_SIZE = 112;
const TEXT_WIDTH = PAGE_WIDTH - 2 * SLIP_PADDING_X - QR_SIZE - 28;

function drawCutLine(doc: Doc, y: number): void {
  doc.save().moveTo(0, y).lineTo(PAGE_WIDTH, y).lineWidth(0.5).dash(4, { space: 3 }).stroke(LIGHT).restore();
}

function drawVoucher(doc: Doc, p: PreparedProgramme, booklet: PreparedBooklet, v: PreparedVoucher, top: number) {
  const x = SLIP_PADDING_X;
  const count = booklet.vouchers.length;
  doc.fillColor(BLACK);

  // Programme name, then the face value in big with the chèque's identity beside it.
  line(doc, p.name, x, top + 16, TEXT_WIDTH, 'Helvetica-Bold', 11, 8);
  const valueWidth = textWidth(doc, 'Helvetica-Bold', 38, p.faceValue);
  doc
    .font('Helvetica-Bold')
    .fontSize(38)
    .text(p.faceValue, x, top + 36, { lineBreak: false });
  const infoX = x + valueWidth + 18;
  const infoWidth = TEXT_WIDTH - valueWidth - 18;
  line(doc, `Chèque ${v.position} sur ${count}`, infoX, top + 35, infoWidth, 'Helvetica-Bold', 13, 9);
  line(doc, `Carnet n° ${booklet.displayNumber}`, infoX, top + 52, infoWidth, 'Helvetica', 10, 7);
  line(doc, `Valable jusqu'au ${p.validUntil}`, infoX, top + 65, infoWidth, 'Helvetica', 10, 7);

  // The code, in a box, in a large monospace font.
  const codeTop = top + 86;
  // Courier is monospaced: every code of the same length has the same width.
  const codeWidth = textWidth(doc, 'Courier-Bold', 22, 'X'.repeat(v.displayCode.length), 1.5);
  doc
    .roundedRect(x, codeTop, codeWidth + 20, 30, 4)
    .lineWidth(1)
    .stroke(BLACK);
  doc
    .font('Courier-Bold')
    .fontSize(22)
    .text(v.displayCode, x + 10, codeTop + 6, { lineBreak: false, characterSpacing: 1.5 });
  doc.fillColor(GREY);
  line(doc, 'Code du chèque', x + codeWidth + 30, codeTop + 10, TEXT_WIDTH - codeWidth - 30, 'Helvetica', 9, 7);
  doc.fillColor(BLACK);

  line(doc, "À remettre au lieu d'accompagnement", x, top + 125, TEXT_WIDTH, 'Helvetica-Bold', 11, 8);
  doc.fillColor(GREY);
  line(
    doc,
    `Pour le lieu : scannez le QR code ou saisissez le code sur ${p.redeemDisplay}`,
    x,
    top + 141,
    TEXT_WIDTH,
    'Helvetica',
    8,
    6,
  );
  doc.fillColor(BLACK);

  drawQr(doc, v.link, PAGE_WIDTH - SLIP_PADDING_X - QR_SIZE, top + (SLIP_HEIGHT - QR_SIZE) / 2, QR_SIZE);
}

function drawVoucherPage(doc: Doc, p: PreparedProgramme, booklet: PreparedBooklet, vouchers: PreparedVoucher[]) {
  vouchers.forEach((voucher, slot) => {
    const top = slot * SLIP_HEIGHT;
    drawVoucher(doc, p, booklet, voucher, top);
    // Cut lines between slips, and under the last one when the page is not full.
    if (slot < VOUCHERS_PER_PAGE - 1) drawCutLine(doc, top + SLIP_HEIGHT);
  });
}

function drawBooklet(doc: Doc, p: PreparedProgramme, booklet: PreparedBooklet): void {
  doc.addPage();
  drawCover(doc, p, booklet);
  for (let i = 0; i < booklet.vouchers.length; i += VOUCHERS_PER_PAGE) {
    doc.addPage();
    drawVoucherPage(doc, p, booklet, booklet.vouchers.slice(i, i + VOUCHERS_PER_PAGE));
  }
}

// ---------------------------------------------------------------------------------------------
// Output
// ---------------------------------------------------------------------------------------------

function newDocument(programme: PrintableProgramme, booklets: PreparedBooklet[], options: BookletPdfOptions): Doc {
  const cheques = booklets.reduce((sum, b) => sum + b.vouchers.length, 0);
  return createPdfDocument(
    {
      title: `${programme.name} : carnets de chèques`,
      author: programme.operatorName,
      subject: `${booklets.length} carnet${booklets.length > 1 ? 's' : ''}, ${cheques} chèque${cheques > 1 ? 's' : ''} de ${pdfSafeText(formatEuros(programme.faceValueCents))} (${programme.funderName})`,
    },
    options,
  );
}

/** Everything the drawing needs, checked before the first byte is written. */
function printJob(programme: PrintableProgramme, booklets: readonly PrintableBooklet[], options: BookletPdfOptions) {
  const p = prepareProgramme(programme);
  const prepared = prepareBooklets(programme.redeemUrl, booklets);
  const doc = newDocument(programme, prepared, options);
  return { doc, booklets: prepared, draw: (booklet: PreparedBooklet) => drawBooklet(doc, p, booklet) };
}

/**
 * Streams a PDF (A4) of the booklets, one booklet at a time; resolves when the whole document
 * has been written, and ends `out`. Invalid input (see prepareBooklets) rejects before anything
 * is written to `out`.
 */
export async function writeBookletsPdf(
  out: NodeJS.WritableStream,
  programme: PrintableProgramme,
  booklets: PrintableBooklet[],
  options: BookletPdfOptions = {},
): Promise<void> {
  const job = printJob(programme, booklets, options);
  await writePdf(out, job.doc, job.booklets, job.draw);
}

export async function bookletsPdfBuffer(
  programme: PrintableProgramme,
  booklets: PrintableBooklet[],
  options: BookletPdfOptions = {},
): Promise<Buffer> {
  const job = printJob(programme, booklets, options);
  return pdfBuffer(job.doc, job.booklets, job.draw);
}
