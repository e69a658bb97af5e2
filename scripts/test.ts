/**
 * `npm test`: lint, type-check, then every test tier — integration twice, on the embedded
 * PGlite and on the PostgreSQL server of DATABASE_URL (or TEST_DATABASE_URL) — and the
 * browser journeys. Prints how many tests ran per tier and engine.
 * Options: --only=unit|integration|e2e|static, --engine=pglite|postgresql.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

const args = new Map(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k as string, v ?? 'true'];
  }),
);
const only = args.get('only');
const onlyEngine = args.get('engine');
const pgUrl = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
const results: Array<{ step: string; tests: number; seconds: number; ok: boolean }> = [];
const reportDir = path.resolve('var/test/reports');
mkdirSync(reportDir, { recursive: true });

function run(step: string, cmd: string, cmdArgs: string[], env: Record<string, string> = {}): boolean {
  process.stdout.write(`\n▶ ${step}\n`);
  const started = Date.now();
  const res = spawnSync(cmd, cmdArgs, { stdio: 'inherit', env: { ...process.env, ...env } });
  const ok = res.status === 0;
  results.push({ step, tests: 0, seconds: (Date.now() - started) / 1000, ok });
  return ok;
}

/**
 * A vitest run that is killed when it prints nothing for `silentLimitMs`: a run that hangs
 * fails, it is never started again (a hang is a defect to fix, not bad luck: the PGlite hang
 * inside pg_trgm, electric-sql/pglite#1058, was removed by never loading pg_trgm, ADR 0022).
 */
function runWatched(
  cmdArgs: string[],
  env: Record<string, string>,
  silentLimitMs: number,
): Promise<'ok' | 'failed' | 'hung'> {
  return new Promise((resolve) => {
    const child = spawn('npx', cmdArgs, {
      stdio: ['inherit', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
      detached: true,
    });
    let last = Date.now();
    const forward = (out: NodeJS.WriteStream) => (chunk: Buffer) => {
      last = Date.now();
      out.write(chunk);
    };
    child.stdout?.on('data', forward(process.stdout));
    child.stderr?.on('data', forward(process.stderr));
    let hung = false;
    const timer = setInterval(() => {
      if (Date.now() - last < silentLimitMs) return;
      hung = true;
      clearInterval(timer);
      try {
        process.kill(-(child.pid as number), 'SIGKILL');
      } catch {
        // already gone
      }
    }, 5000);
    child.on('close', (code) => {
      clearInterval(timer);
      resolve(hung ? 'hung' : code === 0 ? 'ok' : 'failed');
    });
  });
}

/** Longer than any single test or hook takes (each finished test prints a line); see runWatched. */
const SILENT_LIMIT_MINUTES = 5;

async function vitest(step: string, project: string, env: Record<string, string> = {}): Promise<boolean> {
  const report = path.join(reportDir, `${step.replace(/\W+/g, '-')}.json`);
  const cmdArgs = [
    'vitest',
    'run',
    '--project',
    project,
    '--reporter=default',
    '--reporter=./scripts/heartbeat-reporter.ts',
    '--reporter=json',
    `--outputFile.json=${report}`,
  ];
  process.stdout.write(`\n▶ ${step}\n`);
  const started = Date.now();
  rmSync(report, { force: true });
  const outcome = await runWatched(cmdArgs, env, SILENT_LIMIT_MINUTES * 60_000);
  if (outcome === 'hung') {
    process.stdout.write(
      `\n✘ ${step} : aucune sortie depuis ${SILENT_LIMIT_MINUTES} minutes, arrêté. Un test est bloqué : c'est un échec, à corriger (pas relancé).\n`,
    );
  }
  const result = { step, tests: 0, seconds: (Date.now() - started) / 1000, ok: outcome === 'ok' };
  if (existsSync(report)) {
    const json = JSON.parse(readFileSync(report, 'utf8')) as { numTotalTests: number };
    result.tests = json.numTotalTests;
  }
  results.push(result);
  return result.ok;
}

const wants = (tier: string) => !only || only === tier;
let ok = true;
if (wants('static')) {
  ok = run('lint (biome)', 'npx', ['biome', 'check', '.']) && ok;
  ok = run('type-check (tsc)', 'npx', ['tsc', '--noEmit']) && ok;
}
if (wants('unit')) ok = (await vitest('unit', 'unit')) && ok;
if (wants('integration')) {
  if (!onlyEngine || onlyEngine === 'pglite')
    ok = (await vitest('integration (PGlite)', 'integration', { TEST_DB_ENGINE: 'pglite' })) && ok;
  if (!onlyEngine || onlyEngine === 'postgresql') {
    if (pgUrl) {
      ok =
        (await vitest('integration (PostgreSQL)', 'integration', {
          TEST_DB_ENGINE: 'postgresql',
          TEST_DATABASE_URL: pgUrl,
        })) && ok;
    } else {
      process.stdout.write(
        '\n⚠ Tests sur PostgreSQL ignorés : définissez DATABASE_URL (par exemple postgres://postgres@127.0.0.1:5432/test).\n',
      );
      results.push({ step: 'integration (PostgreSQL) — ignoré, pas de DATABASE_URL', tests: 0, seconds: 0, ok: true });
    }
  }
}
if (wants('e2e')) ok = (await vitest('e2e (Chromium, PGlite)', 'e2e', { TEST_DB_ENGINE: 'pglite' })) && ok;

process.stdout.write('\nRésumé\n');
for (const r of results) {
  process.stdout.write(
    `  ${r.ok ? '✔' : '✘'} ${r.step.padEnd(32)} ${r.tests ? `${String(r.tests).padStart(4)} tests` : '          '}  ${r.seconds.toFixed(0)} s\n`,
  );
}
process.exit(ok ? 0 : 1);
