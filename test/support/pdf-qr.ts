/**
 * Reads the QR code printed on a PDF, the way a phone's camera reads the paper: the first page
 * is rasterised by poppler's `pdftoppm` (150 dpi, PNG), the PNG decoded by pngjs, and the QR
 * code located and decoded by jsQR. Nothing of the PDF's own structure is trusted, so a QR code
 * drawn wrong (bad modules, wrong text, too small to read) fails here.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';

const run = promisify(execFile);

// jsqr is a CommonJS bundle whose types declare an ES default export: under NodeNext the default
// import is typed as the module object, while at run time it is the function itself (which also
// carries a `default` property). Taking `.default` when present works for both readings.
type Decode = typeof jsQRModule.default;
const jsQR: Decode = (jsQRModule as unknown as { default?: Decode }).default ?? (jsQRModule as unknown as Decode);

/** The PNG rendering of a PDF's first page, at the given resolution. */
export async function rasterisePdfPage(pdf: Uint8Array, dpi = 150): Promise<Buffer> {
  const dir = await mkdtemp(path.join(tmpdir(), 'passerelle-pdf-qr-'));
  try {
    const input = path.join(dir, 'document.pdf');
    await writeFile(input, pdf);
    // -singlefile: the output is exactly page.png (no page-number suffix).
    await run('pdftoppm', [
      '-png',
      '-r',
      String(dpi),
      '-f',
      '1',
      '-l',
      '1',
      '-singlefile',
      input,
      path.join(dir, 'page'),
    ]);
    return await readFile(path.join(dir, 'page.png'));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The text encoded in the QR code of a PDF's first page; throws if no QR code can be read. */
export async function decodePdfQr(pdf: Uint8Array): Promise<string> {
  const png = PNG.sync.read(await rasterisePdfPage(pdf));
  // pngjs always hands back 8-bit RGBA, the layout jsQR expects.
  const pixels = new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.byteLength);
  const found = jsQR(pixels, png.width, png.height, { inversionAttempts: 'dontInvert' });
  if (!found) throw new Error(`No readable QR code on the PDF's first page (${png.width}×${png.height} px)`);
  return found.data;
}
