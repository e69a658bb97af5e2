/**
 * The shape of the modular monolith, checked on every run (rules: test/support/architecture.ts):
 * - platform code never imports a module (nor app/cli);
 * - a module reaches another module only through its public index.ts;
 * - modules depend on each other only as declared below, without cycles;
 * - SQL naming a table appears only in the code of the part that owns it — in any case,
 *   schema-qualified or not; a table name interpolated into SQL is refused (name it).
 * Each rule is also shown failing on a deliberate violation.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  importsBypassingIndex,
  moduleDependencyViolations,
  moduleGraph,
  platformImportingModules,
  type Source,
  tableOwnershipViolations,
} from '../test/support/architecture.ts';

const root = path.resolve(import.meta.dirname, '..');
const src = path.join(root, 'src');

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return walk(full);
    return /\.(ts|tsx)$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [full] : [];
  });
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
  rate_limit_counters: 'platform',
  sign_in_failures: 'platform',
  journal_heads: 'platform',
  oidc_payloads: 'platform',
  oidc_signing_keys: 'platform',
  organisations: 'module:accounts',
  users: 'module:accounts',
  memberships: 'module:accounts',
  recovery_codes: 'module:accounts',
  invitations: 'module:accounts',
  password_resets: 'module:accounts',
  communes: 'module:lieux',
  commune_trigram_names: 'module:lieux',
  commune_name_trigram_counts: 'module:lieux',
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
  people: 'module:people',
  people_follows: 'module:people',
  people_contacts: 'module:people',
  people_access_log: 'module:people',
  people_identity_links: 'module:people',
  mandate_structure_habilitations: 'module:mandates',
  mandate_helpers: 'module:mandates',
  mandate_current_structures: 'module:mandates',
  mandate_usagers: 'module:mandates',
  mandates: 'module:mandates',
  mandate_authorisations: 'module:mandates',
  mandate_uses: 'module:mandates',
  mandate_partners: 'module:mandates',
  mandate_partner_grants: 'module:mandates',
  support_sessions: 'module:support',
  support_session_participants: 'module:support',
  support_helper_defaults: 'module:support',
  support_session_redemption_unlinked: 'module:support',
  support_statistics_snapshots: 'module:support',
};

/**
 * Which modules each module may import (through their index.ts). Acyclic: a module that needs
 * something from one that depends on it gets it through a port app.ts wires (docs/MODULE.md §1).
 */
const allowedModuleDependencies: Record<string, string[]> = {
  accounts: [],
  lieux: [],
  pass: ['accounts', 'lieux', 'people', 'support'], // SIRET checks; places; the booklet's beneficiary; the session form after a redemption
  orientation: ['lieux'],
  people: ['accounts', 'lieux'], // names in the access journal; commune names
  site: [],
  mandates: ['people'], // the usager linked to the person model (issue 16)
  support: ['lieux', 'people'], // places; the person model; slips through a port wired by app.ts
};

describe('architecture', { timeout: 60_000 }, () => {
  const sources: Source[] = walk(src).map((f) => ({
    file: path.relative(src, f).split(path.sep).join('/'),
    text: readFileSync(f, 'utf8'),
  }));

  it('keeps platform code independent of modules and of the entry points', () => {
    expect(platformImportingModules(sources)).toEqual([]);
  });

  // Parses every source: seconds on a machine shared by several test runs.
  it('lets modules reach each other only through index.ts', () => {
    expect(importsBypassingIndex(sources)).toEqual([]);
  }, 30_000);

  it('keeps module dependencies to the declared graph, without cycles', () => {
    expect(moduleDependencyViolations(sources, allowedModuleDependencies)).toEqual([]);
    // Every module folder is declared, even one importing nothing yet.
    const modules = readdirSync(path.join(src, 'modules'));
    expect(modules.filter((m) => !(m in allowedModuleDependencies))).toEqual([]);
  });

  it('keeps the SQL of each table in the part that owns it', () => {
    const migrations = readdirSync(path.join(root, 'migrations')).map((f) =>
      readFileSync(path.join(root, 'migrations', f), 'utf8'),
    );
    const declared = migrations.flatMap((sql) =>
      [...sql.matchAll(/CREATE TABLE (?:IF NOT EXISTS )?(\w+)/gi)].map((m) => m[1] as string),
    );
    expect(declared.filter((t) => !(t in tableOwners))).toEqual([]);
    expect(tableOwnershipViolations(sources, tableOwners)).toEqual([]);
  });

  it('names roles only in policy code', () => {
    // ADR 0009: rules about roles live in each module's policies.ts, platform/auth/actor.ts and
    // grants.ts (and the demo data that gives roles); routes, views and use cases ask them.
    const policyCode = /(^|\/)(policies|demo)\.tsx?$|^platform\/auth\/(actor|grants)\.ts$/;
    const roleLiteral = /['"`](coordinateur|responsable|aidant|prescripteur|financeur|agent)['"`]/g;
    // The same words used as words, not as roles: a column header of the statements' CSV file.
    const words = new Set(["modules/pass/csv-files.ts: 'financeur'"]);
    const offending = sources
      .filter((s) => !policyCode.test(s.file))
      .flatMap((s) => [...s.text.matchAll(roleLiteral)].map((m) => `${s.file}: ${m[0]}`))
      .filter((hit) => !words.has(hit));
    expect(offending).toEqual([]);
  });
});

// biome-ignore-start lint/suspicious/noTemplateCurlyInString: the fixtures are sources holding template literals
describe('architecture rules, on deliberate violations', { timeout: 60_000 }, () => {
  const owners = { pass_statements: 'module:pass', places: 'module:lieux', journal: 'platform' };

  it('catch SQL on another part’s table in upper and lower case', () => {
    const upper = { file: 'modules/lieux/x.ts', text: "db.query('SELECT id FROM pass_statements WHERE id = $1')" };
    const lower = { file: 'modules/lieux/y.ts', text: "db.query('select id from pass_statements')" };
    const mixed = { file: 'modules/lieux/z.ts', text: 'tx.query(`Update pass_statements Set paid_at = now()`)' };
    expect(tableOwnershipViolations([upper, lower, mixed], owners)).toEqual([
      'modules/lieux/x.ts:1 uses pass_statements (owned by module:pass)',
      'modules/lieux/y.ts:1 uses pass_statements (owned by module:pass)',
      'modules/lieux/z.ts:1 uses pass_statements (owned by module:pass)',
    ]);
    // The owner may; a comment or a sentence is not SQL.
    const own = { file: 'modules/pass/s.ts', text: "db.query('select id from pass_statements')" };
    const prose = { file: 'modules/lieux/p.ts', text: '// SELECT id FROM pass_statements\nconst t = "Relevés";' };
    expect(tableOwnershipViolations([own, prose], owners)).toEqual([]);
  });

  it('catch schema-qualified and quoted table names', () => {
    const qualified = { file: 'modules/pass/q.ts', text: "db.query('SELECT nom FROM public.places WHERE id = $1')" };
    const quoted = { file: 'modules/pass/r.ts', text: 'db.query(\'DELETE FROM "public"."places"\')' };
    const joined = {
      file: 'modules/pass/j.ts',
      text: "db.query('SELECT 1 FROM pass_statements s JOIN places p ON true')",
    };
    expect(tableOwnershipViolations([qualified, quoted, joined], owners)).toEqual([
      'modules/pass/q.ts:1 uses places (owned by module:lieux)',
      'modules/pass/r.ts:1 uses places (owned by module:lieux)',
      'modules/pass/j.ts:1 uses places (owned by module:lieux)',
    ]);
  });

  it('catch interpolated table names, resolving constants and allowing published subqueries', () => {
    const variable = {
      file: 'modules/pass/v.ts',
      text: 'export const f = (table: string) => db.query(`SELECT count(*) FROM ${table}`);',
    };
    const constant = {
      file: 'modules/pass/c.ts',
      text: "const TABLE = 'places';\ndb.query(`UPDATE ${TABLE} SET nom = $1`);",
    };
    const subquery = {
      file: 'modules/pass/s.ts',
      text: "db.query(`SELECT * FROM pass_statements s LEFT JOIN ${placeSummarySubquery('$1')} p ON true`);",
    };
    expect(tableOwnershipViolations([variable, constant, subquery], owners)).toEqual([
      'modules/pass/v.ts:1 interpolates a table name (${table}): name the table',
      'modules/pass/c.ts:2 uses places (owned by module:lieux)',
    ]);
  });

  it('catch dependency cycles and undeclared dependencies between modules', () => {
    const fixture: Source[] = [
      { file: 'modules/lieux/a.ts', text: "import { x } from '../pass/index.ts';" },
      { file: 'modules/pass/b.ts', text: "import type { Y } from '../lieux/index.ts';" },
      { file: 'modules/orientation/c.ts', text: "export { z } from '../pass/index.ts';" },
    ];
    expect(moduleGraph(fixture)).toEqual({ lieux: ['pass'], pass: ['lieux'], orientation: ['pass'] });
    expect(moduleDependencyViolations(fixture, { lieux: [], pass: ['lieux'], orientation: [] })).toEqual([
      'lieux → pass is not an allowed dependency',
      'orientation → pass is not an allowed dependency',
      'dependency cycle between modules: lieux → pass → lieux',
    ]);
    // A declared graph with a cycle is refused too.
    expect(moduleDependencyViolations([], { lieux: ['pass'], pass: ['lieux'] })).toEqual([
      'declared dependency cycle: lieux → pass → lieux',
    ]);
  });

  it('catch imports around index.ts, dynamic ones included, and platform code importing a module', () => {
    const around = { file: 'modules/pass/d.ts', text: "const m = await import('../lieux/places-repository.ts');" };
    const platform = { file: 'platform/http/e.ts', text: "import { passPlugin } from '../../modules/pass/index.ts';" };
    expect(importsBypassingIndex([around])).toEqual(['modules/pass/d.ts → modules/lieux/places-repository.ts']);
    expect(platformImportingModules([platform])).toEqual(['platform/http/e.ts → modules/pass/index.ts']);
  });
});
// biome-ignore-end lint/suspicious/noTemplateCurlyInString: the fixtures are sources holding template literals
