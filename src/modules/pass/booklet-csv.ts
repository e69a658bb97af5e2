import { csvRows } from '../../platform/print/index.ts';
import { type PrintableBooklet, type PrintableProgramme, prepareBooklets } from './booklet-pdf.ts';

/**
 * The codes of a print run, for a print shop that lays out the chèques itself (variable data
 * printing): one row per chèque, in the order of the booklets given and, within a booklet, by
 * position — the same order as the PDF. Columns: booklet number, position, canonical code, code
 * as printed (`K7MC-3PX4-TF`), and the text of its QR code (the redemption link).
 *
 * Semicolon-separated, CRLF line ends, UTF-8 with a byte-order mark: what a French spreadsheet
 * opens correctly on a double click. Checks the booklets as the PDF does (prepareBooklets).
 */
export const CSV_HEADER = ['carnet', 'position', 'code', 'code_affiche', 'qr'] as const;

export function bookletsCsv(programme: Pick<PrintableProgramme, 'redeemUrl'>, booklets: PrintableBooklet[]): string {
  const rows = prepareBooklets(programme.redeemUrl, booklets).flatMap((booklet) =>
    booklet.vouchers.map((v) => [booklet.number, String(v.position), v.code, v.displayCode, v.link]),
  );
  return csvRows([[...CSV_HEADER], ...rows], { delimiter: ';', excel: true });
}
