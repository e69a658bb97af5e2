/**
 * From uploaded bytes to text: refuses what is not a text file (spreadsheets, PDF, archives,
 * images, UTF-16/32) with a message saying what to do, and decodes UTF-8 or, failing that,
 * Windows-1252 (what French spreadsheets export as « CSV »).
 */
import iconv from 'iconv-lite';

export type Encoding = 'utf-8' | 'windows-1252';
export type DecodeResult = { ok: true; text: string; encoding: Encoding } | { ok: false; code: string; error: string };

const SAVE_AS_CSV = "enregistrez-le au format CSV (UTF-8) avant de l'importer.";

function startsWith(bytes: Buffer, signature: number[]): boolean {
  return bytes.length >= signature.length && signature.every((b, i) => bytes[i] === b);
}

function fail(code: string, error: string): DecodeResult {
  return { ok: false, code, error };
}

/** Recognises the usual binary formats people upload by mistake. */
function binaryFormat(bytes: Buffer, fileName: string): DecodeResult | null {
  const head = bytes.subarray(0, 4096);
  if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04]) || startsWith(bytes, [0x50, 0x4b, 0x05, 0x06])) {
    const inside = head.toString('latin1');
    if (inside.includes('opendocument.spreadsheet') || /\.ods$/i.test(fileName)) {
      return fail('spreadsheet', `Ce fichier est un classeur LibreOffice : ${SAVE_AS_CSV}`);
    }
    if (inside.includes('xl/') || inside.includes('[Content_Types].xml') || /\.xlsx?$/i.test(fileName)) {
      return fail('excel', `Ce fichier est un classeur Excel : ${SAVE_AS_CSV}`);
    }
    return fail(
      'archive',
      "Ce fichier est une archive ZIP : ouvrez-la et importez le fichier CSV ou JSON qu'elle contient.",
    );
  }
  if (startsWith(bytes, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
    return fail('excel', `Ce fichier est un classeur Excel : ${SAVE_AS_CSV}`);
  }
  if (startsWith(bytes, [0x25, 0x50, 0x44, 0x46])) {
    return fail('pdf', 'Ce fichier est un document PDF : importez un fichier CSV ou JSON.');
  }
  if (startsWith(bytes, [0x1f, 0x8b])) {
    return fail('archive', "Ce fichier est compressé (gzip) : décompressez-le avant de l'importer.");
  }
  return null;
}

/** UTF-16 or UTF-32, announced by a byte order mark or betrayed by NUL bytes around ASCII. */
function wideEncoding(bytes: Buffer): DecodeResult | null {
  const message = (name: 'UTF-16' | 'UTF-32') =>
    fail(
      name === 'UTF-16' ? 'utf16' : 'utf32',
      `Ce fichier est encodé en ${name} : enregistrez-le en « CSV UTF-8 » (ou JSON en UTF-8) avant de l'importer.`,
    );
  if (startsWith(bytes, [0xff, 0xfe, 0x00, 0x00]) || startsWith(bytes, [0x00, 0x00, 0xfe, 0xff])) {
    return message('UTF-32');
  }
  if (startsWith(bytes, [0xff, 0xfe]) || startsWith(bytes, [0xfe, 0xff])) return message('UTF-16');
  const sample = bytes.subarray(0, 4096);
  if (!sample.includes(0)) return null;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < sample.length; i++) {
    if (sample[i] === 0) {
      if (i % 2 === 0) evenNul++;
      else oddNul++;
    }
  }
  const half = sample.length / 2;
  if ((evenNul > half * 0.3 && oddNul === 0) || (oddNul > half * 0.3 && evenNul === 0)) return message('UTF-16');
  return fail('binary', "Ce fichier n'est pas un fichier texte : importez un fichier CSV ou JSON.");
}

// Characters of Windows-1252's 0x80–0x9F row that French text never uses: a file full of
// them was written in another code page (DOS, Mac).
const RARE_1252 = /[\u201a\u0192\u201e\u2020\u2021\u02c6\u2030\u0160\u2039\u017d\u02dc\u0161\u203a\u017e\u0178]/g;

function looksLikeGarbage(text: string, highBytes: number): boolean {
  const undefinedBytes = text.match(/\ufffd/g)?.length ?? 0;
  let controls = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // Control characters other than tab, line feed, form feed and carriage return.
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0c && c !== 0x0d) || c === 0x7f) controls++;
  }
  const rare = text.match(RARE_1252)?.length ?? 0;
  const suspicious = undefinedBytes + controls + rare;
  return suspicious >= 3 && suspicious > highBytes * 0.1;
}

export function decodeBytes(bytes: Buffer, fileName = ''): DecodeResult {
  const binary = binaryFormat(bytes, fileName) ?? wideEncoding(bytes);
  if (binary) return binary;
  let body = bytes;
  if (startsWith(body, [0xef, 0xbb, 0xbf])) body = body.subarray(3);
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body);
    return { ok: true, text, encoding: 'utf-8' };
  } catch {
    // Not UTF-8: French spreadsheets export Windows-1252.
  }
  const text = iconv.decode(body, 'win1252');
  let highBytes = 0;
  for (const b of body) if (b >= 0x80) highBytes++;
  if (looksLikeGarbage(text, highBytes)) {
    return fail(
      'encoding',
      `Les accents de ce fichier sont illisibles (encodage inconnu) : ${SAVE_AS_CSV.replace('enregistrez-le', 'enregistrez-le à nouveau')}`,
    );
  }
  return { ok: true, text, encoding: 'windows-1252' };
}
