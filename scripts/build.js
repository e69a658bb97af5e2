/**
 * `npm run build`: what production runs, prepared once instead of at each start (ADR 0012).
 * 1. The TypeScript of src/ compiled to JavaScript in dist/, file by file, same layout (so
 *    paths a module computes from import.meta.url still land on the same files); the other
 *    files of src/ (scripts and images under public/) copied beside them.
 * 2. The server bundled into one file, dist/server.js, with a chunk per part loaded on demand
 *    (ADR 0034): what `npm start` runs.
 * 3. The static assets (DSFR reduced to what the pages use, fingerprinted, gzip and brotli)
 *    written to dist/assets/, for both values of STATE_BRAND.
 * dist/.build-stamp records the hash of the sources it was built from; `npm start` rebuilds
 * only when that hash changes. Plain JavaScript: it runs before anything is compiled.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = fileURLToPath(new URL('..', import.meta.url));
const srcDir = path.join(root, 'src');
export const distDir = path.join(root, 'dist');
const stampFile = path.join(distDir, '.build-stamp');

const isTest = (name) => /\.test\.tsx?$/.test(name);

function walk(dir, out = []) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'fixtures') walk(full, out);
    } else if (!isTest(entry.name)) out.push(full);
  }
  return out.sort();
}

/** Hash of everything the build reads: sources, this script, the dependency versions. */
export function sourcesHash() {
  const hash = createHash('sha256');
  for (const file of [...walk(srcDir), fileURLToPath(import.meta.url), path.join(root, 'package-lock.json')]) {
    if (!existsSync(file)) continue;
    hash.update(path.relative(root, file));
    hash.update(readFileSync(file));
  }
  return hash.digest('hex').slice(0, 20);
}

export function isBuildCurrent(hash = sourcesHash()) {
  return existsSync(stampFile) && readFileSync(stampFile, 'utf8').trim() === hash;
}

/** Relative imports of .ts/.tsx files point at the compiled .js files. */
const relativeImportsToJs = {
  name: 'relative-imports-to-js',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      return { path: args.path.replace(/\.tsx?$/, '.js'), external: true };
    });
  },
};

async function compile(outDir) {
  const { build } = await import('esbuild');
  const files = walk(srcDir);
  await build({
    entryPoints: files.filter((f) => /\.tsx?$/.test(f)),
    outdir: outDir,
    outbase: srcDir,
    bundle: true, // only to let the plugin rewrite imports: every import stays external
    packages: 'external',
    plugins: [relativeImportsToJs],
    platform: 'node',
    format: 'esm',
    target: 'node22',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    sourcemap: 'linked',
    logLevel: 'error',
  });
  for (const file of files.filter((f) => !/\.tsx?$/.test(f))) {
    const target = path.join(outDir, path.relative(srcDir, file));
    mkdirSync(path.dirname(target), { recursive: true });
    cpSync(file, target);
  }
}

/**
 * What the server loads stays outside the bundle only when it must: packages that read files
 * beside their own code (PGlite's WebAssembly and data files; pino's transport workers, unused
 * but found from __dirname), build-time tools (the assets are prebuilt), and the packages the
 * code loads at first use (nodemailer, PDFKit).
 */
const serverExternals = [
  '@electric-sql/pglite',
  '@electric-sql/pglite/*',
  '@electric-sql/pglite-tools',
  '@electric-sql/pglite-tools/*',
  'pino',
  'thread-stream',
  'esbuild',
  'lightningcss',
  'purgecss',
  'nodemailer',
  'pdfkit',
];

/**
 * In the bundle, import.meta.url would be the bundle's own address: each source file gets
 * instead the address its file-by-file compiled twin has (dist/<same path>.js), so the files
 * it finds from there (migrations, data, the import worker, prebuilt assets) are the same.
 * Chunks are written beside server.js, so the relative address holds in every output file.
 */
const importMetaUrlOfSource = {
  name: 'import-meta-url-of-source',
  setup(build) {
    build.onLoad({ filter: /\.tsx?$/ }, (args) => {
      if (!args.path.startsWith(srcDir + path.sep)) return undefined;
      const twin = `./${path
        .relative(srcDir, args.path)
        .split(path.sep)
        .join('/')
        .replace(/\.tsx?$/, '.js')}`;
      const text = readFileSync(args.path, 'utf8').replaceAll(
        'import.meta.url',
        `new URL(${JSON.stringify(twin)}, import.meta.url).href`,
      );
      return { contents: text, loader: args.path.endsWith('.tsx') ? 'tsx' : 'ts' };
    });
  },
};

/**
 * The server and everything it imports in one file (dist/server.js; the file-by-file entry is
 * dist/server-modules.js), plus one chunk per part loaded on demand: loading ~1,000 small modules cost more CPU
 * at each start than the database (ADR 0034). The file-by-file compilation stays beside it
 * for the import worker, the build's own use and the data files found from import.meta.url.
 */
async function bundleServer(outDir) {
  const { build } = await import('esbuild');
  await build({
    entryPoints: { server: path.join(srcDir, 'server.ts') },
    outdir: outDir,
    bundle: true,
    splitting: true,
    chunkNames: 'chunk-[hash]',
    external: serverExternals,
    plugins: [importMetaUrlOfSource],
    // Bundled CommonJS packages call require() for Node's modules.
    banner: {
      js: "import { createRequire as __bundleRequire } from 'node:module'; const require = __bundleRequire(import.meta.url);",
    },
    platform: 'node',
    format: 'esm',
    target: 'node22',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    // Less text for V8 to parse at each start (~0.2 s of CPU); names are kept, and the source
    // map gives positions in the sources (NODE_OPTIONS=--enable-source-maps).
    minifyWhitespace: true,
    minifySyntax: true,
    sourcemap: 'linked',
    logLevel: 'error',
  });
}

/**
 * Builds into a fresh folder and swaps it in: a process starting meanwhile never sees half a
 * build, and two builds at once each finish their own.
 */
export async function buildAll(log = (line) => process.stdout.write(`${line}\n`)) {
  const hash = sourcesHash();
  const next = `${distDir}.next-${process.pid}`;
  rmSync(next, { recursive: true, force: true });
  const started = performance.now();
  log('Compilation du code (TypeScript → JavaScript)…');
  await compile(next);
  // The file-by-file entry stays, under another name, for CPU profiles that attribute time to
  // each module and package (PASSERELLE_UNBUNDLED=1, see scripts/start.js); the bundle takes
  // the name npm start runs.
  renameSync(path.join(next, 'server.js'), path.join(next, 'server-modules.js'));
  rmSync(path.join(next, 'server.js.map'), { force: true });
  await bundleServer(next);
  log('Préparation des feuilles de style et des scripts (DSFR réduit aux pages de Passerelle)…');
  const { writePrebuiltAssets } = await import(pathToFileURL(path.join(next, 'platform/views/assets.js')).href);
  await writePrebuiltAssets(path.join(next, 'assets'));
  // esbuild's service process would otherwise live on beside the server `npm start` runs next.
  (await import('esbuild')).stop();
  writeFileSync(path.join(next, '.build-stamp'), `${hash}\n`);
  const old = `${distDir}.old-${process.pid}`;
  if (existsSync(distDir)) renameSync(distDir, old);
  renameSync(next, distDir);
  rmSync(old, { recursive: true, force: true });
  log(`Construction terminée en ${((performance.now() - started) / 1000).toFixed(1)} s (dossier dist/).`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildAll();
}
