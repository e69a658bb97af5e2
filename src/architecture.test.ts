/**
 * The shape of the modular monolith, checked on every run:
 * - platform code never imports a module (nor app/cli);
 * - a module reaches another module only through its public index.ts;
 * - SQL touching a table appears only in the code of the part that owns it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const src = path.join(root, 'src');

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return walk(full);
    return /\.(ts|tsx)$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [full] : [];
  });
}

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(
    /(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g,
  )) {
    const spec = m[1] ?? m[2];
    if (spec?.startsWith('.')) found.push(path.resolve(path.dirname(file), spec));
  }
  return found;
}

/** Which part of the code a file belongs to: 'platform', 'module:<name>', or 'app'. */
function partOf(file: string): string {
  const rel = path.relative(src, file);
  if (rel.startsWith('platform/')) return 'platform';
  const mod = /^modules\/([^/]+)\//.exec(rel);
  if (mod) return `module:${mod[1]}`;
  return 'app';
}

/** Modules and the files that assemble them (config.ts is shared by everyone). */
function isModuleOrEntry(file: string): boolean {
  const rel = path.relative(src, file);
  return partOf(file).startsWith('module:') || /^(app|server|demo)\.tsx?$/.test(rel) || rel.startsWith('cli/');
}

/** Owner of each table; a new migration's tables must be listed here. */
const tableOwners: Record<string, string> = {
  journal: 'platform',
  outbox: 'platform',
  dev_mailbox: 'platform',
  sessions: 'platform',
  schema_migrations: 'platform',
  jobs: 'platform',
  job_schedules: 'platform',
  organisations: 'module:accounts',
  users: 'module:accounts',
  memberships: 'module:accounts',
  recovery_codes: 'module:accounts',
  invitations: 'module:accounts',
  password_resets: 'module:accounts',
  communes: 'module:lieux',
  places: 'module:lieux',
  place_imports: 'module:lieux',
  pass_programmes: 'module:pass',
  pass_booklets: 'module:pass',
  pass_vouchers: 'module:pass',
  pass_qualifications: 'module:pass',
  pass_statements: 'module:pass',
  pass_redemptions: 'module:pass',
  pass_api_tokens: 'module:pass',
  orientation_sessions: 'module:orientation',
  orientation_slips: 'module:orientation',
  orientation_slip_notes: 'module:orientation',
};

describe('architecture', () => {
  const files = walk(src);

  it('keeps platform code independent of modules and of the entry points', () => {
    const offending = files
      .filter((f) => partOf(f) === 'platform')
      .flatMap((f) =>
        importsOf(f)
          .filter(isModuleOrEntry)
          .map((i) => `${path.relative(src, f)} → ${path.relative(src, i)}`),
      );
    expect(offending).toEqual([]);
  });

  it('lets modules reach each other only through index.ts', () => {
    const offending = files.flatMap((f) => {
      const from = partOf(f);
      return importsOf(f)
        .filter((i) => {
          const to = partOf(i);
          return to.startsWith('module:') && to !== from && !/\/modules\/[^/]+\/index\.tsx?$/.test(i);
        })
        .map((i) => `${path.relative(src, f)} → ${path.relative(src, i)}`);
    });
    expect(offending).toEqual([]);
  });

  it('keeps the SQL of each table in the part that owns it', () => {
    const migrations = readdirSync(path.join(root, 'migrations')).map((f) =>
      readFileSync(path.join(root, 'migrations', f), 'utf8'),
    );
    const declared = migrations.flatMap((sql) =>
      [...sql.matchAll(/CREATE TABLE (?:IF NOT EXISTS )?(\w+)/gi)].map((m) => m[1] as string),
    );
    expect(declared.filter((t) => !(t in tableOwners))).toEqual([]);

    const offending: string[] = [];
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/\b(?:FROM|JOIN|INTO|UPDATE|TABLE)\s+(\w+)/g)) {
        const owner = tableOwners[m[1] as string];
        if (owner && owner !== partOf(f)) offending.push(`${path.relative(src, f)} uses ${m[1]} (owned by ${owner})`);
      }
    }
    expect(offending).toEqual([]);
  });

  it('names roles only in policy code', () => {
    // ADR 0009: rules about roles live in each module's policies.ts, platform/auth/actor.ts and
    // grants.ts (and the demo data that gives roles); routes, views and use cases ask them.
    const policyCode = /(^|\/)(policies|demo)\.tsx?$|^platform\/auth\/(actor|grants)\.ts$/;
    const roleLiteral = /['"`](coordinateur|responsable|aidant|prescripteur|financeur|agent)['"`]/g;
    const offending = files
      .filter((f) => !policyCode.test(path.relative(src, f)))
      .flatMap((f) =>
        [...readFileSync(f, 'utf8').matchAll(roleLiteral)].map((m) => `${path.relative(src, f)}: ${m[0]}`),
      );
    expect(offending).toEqual([]);
  });
});
