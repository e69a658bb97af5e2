import { PassThrough, Writable } from 'node:stream';
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { pdfSafeText, qrPath, qrRuns } from '../../platform/print/index.ts';
import {
  bookletPageCount,
  bookletsPdfBuffer,
  type PrintableBooklet,
  type PrintableProgramme,
  prepareBooklets,
  VOUCHERS_PER_PAGE,
  voucherLink,
  writeBookletsPdf,
} from './booklet-pdf.ts';
import { formatVoucherCode, generateVoucherCode } from './voucher-code.ts';

const programme: PrintableProgramme = {
  name: 'Pass numérique du Var 2026',
  funderName: 'Département du Var',
  faceValueCents: 1000,
  validFrom: '2026-01-01',
  validUntil: '2026-12-31',
  services: [
    'Apprendre à utiliser un smartphone ou une tablette',
    'Faire ses démarches en ligne (CAF, impôts, France Travail…)',
    'Se protéger des arnaques sur Internet',
  ],
  operatorName: 'Passerelle Var',
  redeemUrl: 'https://passerelle.example.fr/pass/encaisser',
  findPlacesUrl: 'https://passerelle.example.fr/lieux?pass_numerique=oui',
};

/** Valid codes from a seeded generator, so that a failure can be replayed. */
function codeSource(seed: number): () => string {
  let state = seed >>> 0;
  const random = (count: number): Uint8Array => {
    const bytes = new Uint8Array(count);
    for (let i = 0; i < count; i++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      bytes[i] = state >>> 24;
    }
    return bytes;
  };
  return () => generateVoucherCode(random);
}

function makeBooklets(sizes: number[], seed = 1): PrintableBooklet[] {
  const nextCode = codeSource(seed);
  return sizes.map((size, index) => ({
    number: `C-${String(index + 1).padStart(6, '0')}`,
    vouchers: Array.from({ length: size }, (_, i) => ({ code: nextCode(), position: i + 1 })),
  }));
}

/** Page objects of a PDF (not the /Pages tree); page dictionaries are never compressed by PDFKit. */
function pageCount(pdf: Buffer): number {
  return pdf.toString('latin1').match(/\/Type \/Page(?![a-zA-Z])/g)?.length ?? 0;
}

/** WinAnsiEncoding: Latin-1 except 0x80–0x9F. */
const WIN_ANSI_80_9F = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';
function decodeWinAnsi(bytes: Uint8Array): string {
  return Array.from(bytes, (b) =>
    b >= 0x80 && b < 0xa0 ? WIN_ANSI_80_9F.charAt(b - 0x80) : String.fromCharCode(b),
  ).join('');
}

/** The text drawn by each text-showing operator of an uncompressed PDFKit document. */
function drawnText(pdf: Buffer): string[] {
  const source = pdf.toString('latin1');
  return [...source.matchAll(/\[([^\]]*)\] TJ/g)].map((operator) => {
    const hex = [...(operator[1] ?? '').matchAll(/<([0-9a-f]*)>/g)].map((m) => m[1]).join('');
    return decodeWinAnsi(Buffer.from(hex, 'hex'));
  });
}

/** A string of the document information dictionary (an indirect object, PDFDocEncoding or UTF-16BE). */
function infoString(pdf: Buffer, key: string): string | undefined {
  const source = pdf.toString('latin1');
  const ref = new RegExp(`/${key} (\\d+) 0 R`).exec(source)?.[1];
  const match = new RegExp(`(?:^|\\n)${ref} 0 obj\\n\\(((?:\\\\.|[^\\\\)])*)\\)\\nendobj`, 's').exec(source);
  if (!ref || !match?.[1]) return undefined;
  const raw = match[1].replace(
    /\\([nrtbf()\\])/g,
    (_, c: string) => ({ n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' })[c] ?? c,
  );
  const bytes = Buffer.from(raw, 'latin1');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return Buffer.from(bytes.subarray(2)).swap16().toString('utf16le');
  return raw;
}

describe('links', () => {
  it('builds the QR link: the redemption URL with the canonical code as ?code=', () => {
    expect(voucherLink(programme.redeemUrl, 'K7MC3PX4TF')).toBe(
      'https://passerelle.example.fr/pass/encaisser?code=K7MC3PX4TF',
    );
    expect(voucherLink('https://x.example.fr/encaisser?source=carnet', 'K7MC3PX4TF')).toBe(
      'https://x.example.fr/encaisser?source=carnet&code=K7MC3PX4TF',
    );
  });
});

describe('prepareBooklets', () => {
  it('sorts the chèques by position and formats their codes', () => {
    const [booklet] = makeBooklets([3]);
    if (!booklet) throw new Error('no booklet');
    const shuffled = { ...booklet, vouchers: [...booklet.vouchers].reverse() };
    const [prepared] = prepareBooklets(programme.redeemUrl, [shuffled]);
    expect(prepared?.vouchers.map((v) => v.position)).toEqual([1, 2, 3]);
    expect(prepared?.vouchers.map((v) => v.displayCode)).toEqual(
      booklet.vouchers.map((v) => formatVoucherCode(v.code)),
    );
  });

  it('rejects what would make a bad print run', () => {
    const [a, b] = makeBooklets([2, 2]);
    if (!a || !b) throw new Error('no booklet');
    const reject = (booklets: PrintableBooklet[]) => () => prepareBooklets(programme.redeemUrl, booklets);
    expect(reject([{ ...a, vouchers: [] }])).toThrow(/no voucher/);
    expect(reject([{ ...a, number: ' ' }])).toThrow(/no number/);
    expect(reject([a, { ...b, number: a.number }])).toThrow(/appears twice/);
    expect(reject([a, { ...b, vouchers: [...a.vouchers] }])).toThrow(/appears twice/);
    expect(reject([{ ...a, vouchers: a.vouchers.map((v) => ({ ...v, position: 1 })) }])).toThrow(/positions/);
    expect(reject([{ ...a, vouchers: a.vouchers.map((v) => ({ ...v, position: v.position + 1 })) }])).toThrow(
      /positions/,
    );
    expect(reject([{ ...a, vouchers: [{ code: 'K7MC3PX4TA', position: 1 }] }])).toThrow(/not a canonical/);
    expect(() => prepareBooklets('/pass/encaisser', [a])).toThrow(/absolute URL/);
  });
});

describe('booklets PDF', () => {
  it('is a PDF with a cover page and one page per 5 chèques for each booklet', async () => {
    const one = await bookletsPdfBuffer(programme, makeBooklets([5]));
    expect(one.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(one.subarray(-6).toString('latin1')).toMatch(/%%EOF\n?$/);
    expect(pageCount(one)).toBe(2);

    const sizes = [5, 7, 1];
    const three = await bookletsPdfBuffer(programme, makeBooklets(sizes));
    expect(pageCount(three)).toBe(2 + 3 + 2);
    expect(sizes.reduce((sum, n) => sum + bookletPageCount(n), 0)).toBe(7);
    expect(bookletPageCount(VOUCHERS_PER_PAGE * 2)).toBe(3);
  });

  it('prints the cover and every chèque: formatted code, position, booklet, validity', async () => {
    const booklets = makeBooklets([5, 3]);
    const text = drawnText(await bookletsPdfBuffer(programme, booklets, { compress: false }));
    const nbsp = '\u00a0';
    expect(text).toContain('Pass numérique du Var 2026');
    expect(text).toContain('Département du Var');
    expect(text).toContain('Carnet n° C-000001');
    const flowing = text.join(' ').replace(/ {2,}/g, ' '); // wrapped lines keep their trailing space
    expect(flowing).toContain(`Ce carnet contient 5 chèques de 10${nbsp}€ pour vous faire aider au numérique.`);
    expect(flowing).toContain(`Ce carnet contient 3 chèques de 10${nbsp}€`);
    expect(text).toContain(`Valable jusqu'au 31${nbsp}décembre 2026.`);
    for (const service of programme.services) expect(text).toContain(service);
    expect(text).toContain('Trouvez un lieu qui accepte le Pass numérique :');
    expect(text).toContain(programme.findPlacesUrl);
    expect(text).toContain('Apportez ce carnet au rendez-vous.');
    expect(text).toContain("L'aide est gratuite pour vous.");
    expect(text.some((t) => t.includes('Carnet édité par Passerelle Var'))).toBe(true);

    for (const booklet of booklets) {
      for (const voucher of booklet.vouchers) {
        expect(text).toContain(formatVoucherCode(voucher.code));
        expect(text).toContain(`Chèque ${voucher.position} sur ${booklet.vouchers.length}`);
      }
      expect(text.filter((t) => t === `Carnet n° ${booklet.number}`)).toHaveLength(1 + booklet.vouchers.length);
    }
    expect(text.filter((t) => t === `10${nbsp}€`)).toHaveLength(8);
    expect(text.filter((t) => t === `Valable jusqu'au 31${nbsp}décembre 2026`)).toHaveLength(8);
    expect(text.filter((t) => t === "À remettre au lieu d'accompagnement")).toHaveLength(8);
    expect(text.filter((t) => t.includes('passerelle.example.fr/pass/encaisser'))).toHaveLength(8);
    for (const t of text) expect(pdfSafeText(t)).toBe(t.trim());
  });

  it('draws, as vectors, the QR code of each chèque link', async () => {
    const booklets = makeBooklets([5, 2]);
    const pdf = (await bookletsPdfBuffer(programme, booklets, { compress: false })).toString('latin1');
    for (const voucher of booklets.flatMap((b) => b.vouchers)) {
      const link = `${programme.redeemUrl}?code=${voucher.code}`;
      const path = qrPath(qrRuns(QRCode.create(link, { errorCorrectionLevel: 'M' }).modules));
      expect(pdf).toContain(`${path}\nf`);
    }
    expect(pdf).not.toMatch(/\/Subtype \/Image/);
    expect(pdf).not.toMatch(/\/FontFile/);
  });

  it('sets the document metadata', async () => {
    const pdf = await bookletsPdfBuffer(programme, makeBooklets([5, 5]));
    expect(infoString(pdf, 'Title')).toBe('Pass numérique du Var 2026 : carnets de chèques');
    expect(infoString(pdf, 'Author')).toBe('Passerelle Var');
    expect(infoString(pdf, 'Subject')).toBe('2 carnets, 10 chèques de 10\u00a0€ (Département du Var)');
    expect(pdf.toString('latin1')).toContain('/Lang (fr-FR)');
  });

  it('sanitises the programme texts and keeps a long cover on one page, with all the steps', async () => {
    const wordy: PrintableProgramme = {
      ...programme,
      name: 'Pass numérique de l’Hérault 2026 — édition très longue qui ne tient pas sur une seule ligne du tout',
      funderName: 'Département de l’Hérault',
      operatorName: 'Opérateur\u202fSud 📱',
      services: Array.from({ length: 40 }, (_, i) => `Service n°\u202f${i + 1} : s’équiper, s’informer, se former`),
    };
    const pdf = await bookletsPdfBuffer(wordy, makeBooklets([5, 5]), { compress: false });
    expect(pageCount(pdf)).toBe(4);
    const text = drawnText(pdf);
    expect(text).toContain("Département de l'Hérault");
    expect(text).toContain("Service n°\u00a01 : s'équiper, s'informer, se former");
    // The list is cut to leave room for the steps, which are all there, above the footer.
    expect(text).toContain('…');
    expect(text).not.toContain("Service n°\u00a040 : s'équiper, s'informer, se former");
    expect(text).toContain("L'aide est gratuite pour vous.");
    expect(text.join('\n')).not.toMatch(/[’\u202f]/);
    const questionMarks = text.filter(
      (t) => t.includes('?') && t !== 'Comment faire ?' && t !== programme.findPlacesUrl,
    );
    expect(questionMarks).toEqual([]);
  });

  it('streams to a writable and resolves once everything is written', async () => {
    const booklets = makeBooklets([5, 5, 5]);
    const chunks: Buffer[] = [];
    let finished = false;
    const out = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _encoding, callback) {
        chunks.push(chunk);
        setImmediate(callback); // a slow consumer
      },
      final(callback) {
        finished = true;
        callback();
      },
    });
    await writeBookletsPdf(out, programme, booklets);
    expect(finished).toBe(true);
    const pdf = Buffer.concat(chunks);
    expect(chunks.length).toBeGreaterThan(1);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pageCount(pdf)).toBe(6);
  });

  it('rejects invalid input before writing anything', async () => {
    const out = new PassThrough();
    const written: Buffer[] = [];
    out.on('data', (chunk: Buffer) => written.push(chunk));
    const [booklet] = makeBooklets([2]);
    if (!booklet) throw new Error('no booklet');
    const bad = { ...booklet, vouchers: [{ code: 'K7MC-3PX4-TF', position: 1 }] };
    await expect(writeBookletsPdf(out, programme, [bad])).rejects.toThrow(RangeError);
    await expect(writeBookletsPdf(out, { ...programme, validUntil: '2026-02-30' }, [booklet])).rejects.toThrow(
      RangeError,
    );
    expect(written).toHaveLength(0);
    expect(out.writableEnded).toBe(false);
    expect(out.destroyed).toBe(false);
  });

  // Its time is measured by bench/pass-pdf.ts, not here.
  it('renders 200 booklets of 5 chèques', async () => {
    const booklets = makeBooklets(Array(200).fill(5), 42);
    const pdf = await bookletsPdfBuffer(programme, booklets);
    expect(pageCount(pdf)).toBe(400);
  }, 60_000);
});
