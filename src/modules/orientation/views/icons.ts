/**
 * DSFR icons drawn inline (no request, no external asset), read once from the DSFR package.
 * Decorative: the text next to each icon says the same thing, so they are hidden from
 * assistive technologies.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const iconsDir = path.join(path.dirname(require.resolve('@gouvfr/dsfr/package.json')), 'dist', 'icons');
const cache = new Map<string, string>();

/** The SVG markup of a DSFR icon ('device/smartphone-line'), sized by CSS, colour of the text. */
export function iconSvg(name: string): string {
  const known = cache.get(name);
  if (known !== undefined) return known;
  if (!/^[a-z]+\/[a-z0-9-]+$/.test(name)) throw new Error(`Not a DSFR icon name: ${name}`);
  const raw = readFileSync(path.join(iconsDir, `${name}.svg`), 'utf8');
  const svg = raw
    .replace(
      /<svg[^>]*viewBox="([^"]+)"[^>]*>/,
      '<svg viewBox="$1" aria-hidden="true" focusable="false" fill="currentColor">',
    )
    .replace(/\s+/g, ' ')
    .trim();
  cache.set(name, svg);
  return svg;
}
