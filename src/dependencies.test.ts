/**
 * Every package the code imports is declared in package.json: the application's own code
 * (src/, bin/) in dependencies — a production install leaves devDependencies out — and the
 * tests, benchmarks and scripts in either. A package found only through another one's
 * dependencies disappears the day that one drops it (fastify-plugin was imported by nine
 * files without being declared).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'fixtures' ? [] : walk(full);
    return /\.(ts|tsx|js|mjs)$/.test(e.name) ? [full] : [];
  });
}

/** Package names imported by a file (static, re-exports, dynamic imports with a literal, import type excluded). */
function packagesImported(text: string): string[] {
  const names = new Set<string>();
  const pattern =
    /(?:^|[^\w.])(?:import|export)\s+(?!type\s)(?:[^'"`;]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require(?:\.resolve)?\(\s*['"]([^'"]+)['"]\s*\)/g;
  for (const m of text.matchAll(pattern)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (!spec || spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('node:')) continue;
    const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] as string);
    if (builtinModules.includes(name)) continue;
    names.add(name);
  }
  return [...names];
}

function undeclared(dirs: string[], declared: Record<string, string>): string[] {
  const missing: string[] = [];
  for (const dir of dirs) {
    for (const file of walk(path.join(root, dir))) {
      if (file === import.meta.filename) continue; // its examples are not imports
      // Tests next to the code may use development tools (vitest, fast-check).
      const isTest = /\.test\.tsx?$/.test(file);
      const allowed = isTest ? { ...pkg.dependencies, ...pkg.devDependencies } : declared;
      for (const name of packagesImported(readFileSync(file, 'utf8'))) {
        if (!(name in allowed)) missing.push(`${path.relative(root, file)} imports ${name}`);
      }
    }
  }
  return missing;
}

describe('declared dependencies', () => {
  it('finds the package names in import forms', () => {
    const text = `import a from 'fastify-plugin';\nimport type { X } from 'typeonly';\nexport { b } from '@scope/pkg/sub';\nconst c = await import('lazy');\nimport './local.ts';\nimport 'node:fs';\nimport { readFileSync } from 'fs';`;
    expect(packagesImported(text).sort()).toEqual(['@scope/pkg', 'fastify-plugin', 'lazy']);
  });

  it('declares what the application imports in dependencies', () => {
    expect(undeclared(['src', 'bin', 'scripts'], pkg.dependencies)).toEqual([]);
  });

  it('declares what tests and benchmarks import in dependencies or devDependencies', () => {
    expect(undeclared(['test', 'bench'], { ...pkg.dependencies, ...pkg.devDependencies })).toEqual([]);
  });
});
