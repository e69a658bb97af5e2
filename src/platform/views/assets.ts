/**
 * Static assets served by the app under fingerprinted, long-cache URLs. The stylesheet is the
 * DSFR reduced to the selectors our templates actually use (purgecss), with its few icons
 * inlined, plus our own small stylesheet; scripts are progressive enhancements only.
 * The result is cached under DATA_DIR/cache, keyed by the hash of every input.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync, constants as zlibConstants } from 'node:zlib';

const require = createRequire(import.meta.url);
const srcDir = fileURLToPath(new URL('../../', import.meta.url));
const publicDir = fileURLToPath(new URL('./public/', import.meta.url));

export interface Asset {
  readonly url: string;
  readonly type: string;
  readonly body: Buffer;
  readonly gzip: Buffer;
  readonly brotli: Buffer;
  readonly etag: string;
}

export interface AssetRegistry {
  /** Fingerprinted URL of a logical asset name ('app.css', 'lieux/position.js'). */
  url(name: string): string;
  /** The asset served at a fingerprinted path, if any. */
  byPath(urlPath: string): Asset | undefined;
  names(): string[];
  /** Every asset by logical name (to write them out prebuilt). */
  entries(): Array<[string, Asset]>;
}

const types: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.png': 'image/png',
};

function dsfrDist(): string {
  return path.join(path.dirname(require.resolve('@gouvfr/dsfr/package.json')), 'dist');
}

function walk(dir: string, accept: (file: string) => boolean): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') out.push(...walk(full, accept));
    } else if (accept(full)) out.push(full);
  }
  return out.sort();
}

/** Scripts and images of modules live in `<module>/public/`; the platform's in views/public/. */
function publicFiles(): Array<{ name: string; file: string }> {
  const files = walk(publicDir, () => true).map((file) => ({ name: path.relative(publicDir, file), file }));
  const modulesDir = path.join(srcDir, 'modules');
  if (existsSync(modulesDir)) {
    for (const mod of readdirSync(modulesDir)) {
      const dir = path.join(modulesDir, mod, 'public');
      for (const file of walk(dir, () => true)) files.push({ name: `${mod}/${path.relative(dir, file)}`, file });
    }
  }
  return files;
}

/** Rewrites url(icons/…) to inline data URIs, resolved against the stylesheet's folder. */
function inlineIcons(css: string, cssDir: string): string {
  return css.replace(/url\((["']?)([^"')]+\.svg)\1\)/g, (match, _q, ref: string) => {
    if (ref.startsWith('data:')) return match;
    const file = path.resolve(cssDir, ref);
    if (!existsSync(file)) return match;
    const svg = readFileSync(file, 'utf8').replace(/\s+/g, ' ').trim();
    return `url("data:image/svg+xml,${encodeURIComponent(svg).replace(/%20/g, ' ').replace(/%3D/g, '=').replace(/%3A/g, ':').replace(/%2F/g, '/')}")`;
  });
}

/** Keeps the Marianne regular, medium and bold faces (woff2 only) or none at all. */
function selectFonts(css: string, stateBrand: boolean): string {
  return css.replace(/@font-face\{[^}]*\}/g, (rule) => {
    if (!stateBrand) return '';
    if (!/Marianne/.test(rule) || /Italic|Light/.test(rule)) return '';
    return rule.replace(/,\s*url\([^)]*\.woff\)\s*format\(["']woff["']\)/g, '');
  });
}

async function buildStylesheet(stateBrand: boolean, contentFiles: string[]): Promise<string> {
  const { PurgeCSS } = await import('purgecss');
  const { transform } = await import('lightningcss');
  const dist = dsfrDist();
  const sources = [
    { file: path.join(dist, 'dsfr.min.css'), dir: dist },
    { file: path.join(dist, 'utility', 'utility.min.css'), dir: path.join(dist, 'utility') },
  ];
  const raw = sources.map((s) => selectFonts(inlineIcons(readFileSync(s.file, 'utf8'), s.dir), stateBrand)).join('\n');
  const purged = await new PurgeCSS().purge({
    content: contentFiles.map((file) => ({ raw: readFileSync(file, 'utf8'), extension: 'html' })),
    css: [{ raw }],
    variables: true,
    keyframes: true,
    fontFace: true,
    safelist: { standard: ['html', 'body', ':root'], greedy: [/^fr-no-js$/] },
  });
  const own = readFileSync(path.join(publicDir, 'app.css'), 'utf8');
  const css = `${purged.map((p) => p.css).join('\n')}\n${own}`;
  const { code } = transform({ filename: 'dsfr.css', code: Buffer.from(css), minify: true });
  return Buffer.from(code).toString('utf8');
}

function fontFiles(stateBrand: boolean): Array<{ name: string; file: string }> {
  if (!stateBrand) return [];
  const dir = path.join(dsfrDist(), 'fonts');
  return ['Marianne-Regular.woff2', 'Marianne-Medium.woff2', 'Marianne-Bold.woff2'].map((f) => ({
    name: `fonts/${f}`,
    file: path.join(dir, f),
  }));
}

function makeAsset(name: string, body: Buffer): Asset {
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  const ext = path.extname(name);
  const url = `/assets/${name.slice(0, -ext.length)}.${hash}${ext}`;
  const compressible = ext !== '.woff2' && ext !== '.png';
  return {
    url,
    type: types[ext] ?? 'application/octet-stream',
    body,
    gzip: compressible ? gzipSync(body, { level: 9 }) : body,
    brotli: compressible ? brotliCompressSync(body, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 11 } }) : body,
    etag: `"${hash}"`,
  };
}

/**
 * The assets of this build: prebuilt by `npm run build` when the code runs compiled from dist/
 * (production start reads files, nothing is purged or compressed), otherwise built from the
 * sources (tests, tsx), with the stylesheet cached under DATA_DIR/cache.
 */
export async function buildAssets(options: { stateBrand: boolean; cacheDir: string }): Promise<AssetRegistry> {
  return loadPrebuiltAssets(options.stateBrand) ?? buildAssetsFromSources(options);
}

const prebuiltDir = fileURLToPath(new URL('../../assets/', import.meta.url));
const manifestFile = (dir: string, stateBrand: boolean) =>
  path.join(dir, stateBrand ? 'manifest-marque-etat.json' : 'manifest.json');

type Manifest = Array<{ name: string; url: string; type: string; etag: string; file: string }>;

/** Writes the assets of both STATE_BRAND values, pre-compressed, with one manifest each. */
export async function writePrebuiltAssets(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const cacheDir = path.join(dir, '.cache');
  for (const stateBrand of [false, true]) {
    const registry = await buildAssetsFromSources({ stateBrand, cacheDir });
    const manifest: Manifest = [];
    for (const [name, asset] of registry.entries()) {
      const file = path.basename(asset.url);
      writeFileSync(path.join(dir, file), asset.body);
      if (asset.gzip !== asset.body) writeFileSync(path.join(dir, `${file}.gz`), asset.gzip);
      if (asset.brotli !== asset.body) writeFileSync(path.join(dir, `${file}.br`), asset.brotli);
      manifest.push({ name, url: asset.url, type: asset.type, etag: asset.etag, file });
    }
    writeFileSync(manifestFile(dir, stateBrand), JSON.stringify(manifest, null, 1));
  }
  rmSync(cacheDir, { recursive: true, force: true });
}

function loadPrebuiltAssets(stateBrand: boolean, dir = prebuiltDir): AssetRegistry | undefined {
  const file = manifestFile(dir, stateBrand);
  if (!existsSync(file)) return undefined;
  const byName = new Map<string, Asset>();
  for (const entry of JSON.parse(readFileSync(file, 'utf8')) as Manifest) {
    const body = readFileSync(path.join(dir, entry.file));
    const variant = (ext: string) =>
      existsSync(path.join(dir, entry.file + ext)) ? readFileSync(path.join(dir, entry.file + ext)) : body;
    byName.set(entry.name, {
      url: entry.url,
      type: entry.type,
      etag: entry.etag,
      body,
      gzip: variant('.gz'),
      brotli: variant('.br'),
    });
  }
  return registryOf(byName);
}

function registryOf(byName: Map<string, Asset>): AssetRegistry {
  const byPath = new Map<string, Asset>();
  for (const asset of byName.values()) byPath.set(asset.url, asset);
  return {
    url(name) {
      const asset = byName.get(name);
      if (!asset) throw new Error(`Unknown asset ${name}`);
      return asset.url;
    },
    byPath: (p) => byPath.get(p),
    names: () => [...byName.keys()],
    entries: () => [...byName.entries()],
  };
}

async function buildAssetsFromSources(options: { stateBrand: boolean; cacheDir: string }): Promise<AssetRegistry> {
  const contentFiles = walk(srcDir, (f) => /\.(tsx?|js)$/.test(f) && !/\.test\.tsx?$/.test(f));
  const dist = dsfrDist();
  const pkgVersion = JSON.parse(readFileSync(path.join(dist, '..', 'package.json'), 'utf8')).version as string;
  const inputHash = createHash('sha256');
  inputHash.update(`v3:${pkgVersion}:${options.stateBrand}`);
  for (const f of [...contentFiles, path.join(publicDir, 'app.css')]) {
    inputHash.update(f);
    inputHash.update(readFileSync(f));
  }
  const key = inputHash.digest('hex').slice(0, 16);
  const cacheFile = path.join(options.cacheDir, `stylesheet-${key}.css`);
  let stylesheet: string;
  if (existsSync(cacheFile) && statSync(cacheFile).size > 0) {
    stylesheet = readFileSync(cacheFile, 'utf8');
  } else {
    stylesheet = await buildStylesheet(options.stateBrand, contentFiles);
    mkdirSync(options.cacheDir, { recursive: true });
    const tmp = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(tmp, stylesheet);
    renameSync(tmp, cacheFile);
  }

  const byName = new Map<string, Asset>();
  // Fonts first: the stylesheet refers to them by their fingerprinted URL.
  for (const { name, file } of fontFiles(options.stateBrand)) byName.set(name, makeAsset(name, readFileSync(file)));
  const fontsDir = '../fonts/';
  stylesheet = stylesheet.replace(/url\((["']?)\.\.\/fonts\/([^"')]+)\1\)/g, (m, _q, f: string) => {
    const asset = byName.get(`fonts/${f}`);
    return asset ? `url(${asset.url})` : m.replace(fontsDir, '/missing-font/');
  });
  byName.set('app.css', makeAsset('app.css', Buffer.from(stylesheet)));
  for (const { name, file } of publicFiles()) {
    if (name === 'app.css') continue;
    byName.set(name, makeAsset(name, readFileSync(file)));
  }
  return registryOf(byName);
}
