/**
 * Printing and French formatting shared by every module: PDF documents, vector QR codes,
 * dates, months, euro amounts, phone numbers, and « today in Paris ».
 */
export { type CsvOptions, csvRows, looksLikeFormula, spreadsheetSafeCell, startsLikeFormula } from './csv.ts';
export {
  formatDate,
  formatDateTime,
  formatEuros,
  formatMonth,
  formatPhone,
  MONTH_NAMES,
  telUri,
} from './french.ts';
export {
  addDays,
  isIsoDate,
  nextMonth,
  PARIS_TIME_ZONE,
  parisAt,
  parisDate,
  parisMidnight,
  parisMonth,
  parisTime,
  parisToday,
} from './paris-time.ts';
export {
  A4,
  createPdfDocument,
  fitFontSize,
  fittedLine,
  INK,
  measured,
  type PdfDocument,
  type PdfMetadata,
  paragraph,
  pdfBuffer,
  pdfChunks,
  pdfSafeText,
  textBlock,
  textWidth,
  writePdf,
} from './pdf.ts';
export { drawQr, type QrRun, qrModules, qrPath, qrRuns, qrSvg } from './qr.ts';
