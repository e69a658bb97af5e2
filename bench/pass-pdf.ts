/**
 * Printable PDF of « Pass numérique » booklets: time, pages, file size and peak memory of
 * writeBookletsPdf for a print run (default 1,000 booklets of 5 chèques, random valid codes),
 * streamed to a temporary file. Wall time and CPU time are both printed: on a shared machine the
 * CPU time is the steadier figure. The QR matrices alone are timed apart, for comparison.
 *
 *   node --import tsx bench/pass-pdf.ts [--booklets=1000] [--per=5] [--keep]
 */
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  bookletPageCount,
  type PrintableBooklet,
  type PrintableProgramme,
  voucherLink,
  writeBookletsPdf,
} from '../src/modules/pass/booklet-pdf.ts';
import { generateVoucherCode } from '../src/modules/pass/voucher-code.ts';
import { qrModules } from '../src/platform/print/index.ts';

function flag(name: string, fallback: number): number {
  const value = process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const n = Number(value?.replace(/_/g, ''));
  return value !== undefined && Number.isInteger(n) && n > 0 ? n : fallback;
}

const bookletCount = flag('booklets', 1000);
const perBooklet = flag('per', 5);
const keep = process.argv.includes('--keep');

const programme: PrintableProgramme = {
  name: 'Pass numérique du Var 2026',
  funderName: 'Département du Var',
  faceValueCents: 1000,
  validFrom: '2026-01-01',
  validUntil: '2026-12-31',
  services: [
    'Apprendre à utiliser un ordinateur, une tablette ou un smartphone',
    'Faire ses démarches en ligne (CAF, impôts, France Travail…)',
    'Envoyer des e-mails et des photos à ses proches',
    'Se protéger des arnaques sur Internet',
  ],
  operatorName: 'Passerelle',
  redeemUrl: 'https://passerelle.example.fr/pass/encaisser',
  findPlacesUrl: 'https://passerelle.example.fr/lieux?pass_numerique=oui',
};

const used = new Set<string>();
function uniqueCode(): string {
  for (;;) {
    const code = generateVoucherCode();
    if (!used.has(code)) {
      used.add(code);
      return code;
    }
  }
}

const booklets: PrintableBooklet[] = Array.from({ length: bookletCount }, (_, i) => ({
  number: `C-${String(i + 1).padStart(6, '0')}`,
  vouchers: Array.from({ length: perBooklet }, (_, j) => ({ code: uniqueCode(), position: j + 1 })),
}));

let sampledPeak = process.memoryUsage.rss();
const sampler = setInterval(() => {
  sampledPeak = Math.max(sampledPeak, process.memoryUsage.rss());
}, 20);

const dir = mkdtempSync(path.join(os.tmpdir(), 'pass-pdf-'));
const file = path.join(dir, 'carnets.pdf');
const rssBefore = process.memoryUsage.rss();
const started = performance.now();
const cpuBefore = process.cpuUsage();
await writeBookletsPdf(createWriteStream(file), programme, booklets);
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuBefore);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
clearInterval(sampler);
sampledPeak = Math.max(sampledPeak, process.memoryUsage.rss());
const maxRss = process.resourceUsage().maxRSS * 1024; // kilobytes on Linux and macOS

const bytes = statSync(file).size;
const expectedPages = booklets.reduce((sum, b) => sum + bookletPageCount(b.vouchers.length), 0);
const pages =
  readFileSync(file)
    .toString('latin1')
    .match(/\/Type \/Page(?![a-zA-Z])/g)?.length ?? 0;

const qrStarted = performance.now();
for (const booklet of booklets) for (const v of booklet.vouchers) qrModules(voucherLink(programme.redeemUrl, v.code));
const qrSeconds = (performance.now() - qrStarted) / 1000;

const mb = (n: number) => (n / 2 ** 20).toFixed(1);
const cheques = bookletCount * perBooklet;
console.log(
  `Pass numérique PDF: ${bookletCount} carnets × ${perBooklet} chèques = ${cheques} chèques (Node ${process.version})`,
);
console.log(`  time        ${seconds.toFixed(2)} s (${((seconds * 1000) / bookletCount).toFixed(2)} ms per carnet)`);
console.log(
  `  CPU         ${cpuSeconds.toFixed(2)} s (user + system; less sensitive than wall time to a busy machine)`,
);
console.log(`  pages       ${pages} (expected ${expectedPages})`);
console.log(`  file size   ${mb(bytes)} MiB (${Math.round(bytes / cheques)} bytes per chèque)`);
console.log(`  RSS         ${mb(rssBefore)} MiB before, peak ${mb(sampledPeak)} MiB sampled, ${mb(maxRss)} MiB maxRSS`);
console.log(
  `  QR matrices ${qrSeconds.toFixed(2)} s when timed apart (QRCode.create only; included in the time above)`,
);
if (keep) console.log(`  kept        ${file}`);
else rmSync(dir, { recursive: true, force: true });
if (pages !== expectedPages) process.exitCode = 1;
