/**
 * Runs the benchmarks (all by default), prints their Markdown tables and writes each to
 * bench/results/<name>.md with the date, the machine and the command reproducing each table.
 *
 *   npm run bench                                   # everything, default sizes
 *   npm run bench -- --only=search --search-sizes=15000 --engines=postgresql
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench   # with PostgreSQL
 *
 * Flags: --only=startup,page-weight,import,search,pass,orientation,oidc-tokens  --import-sizes=15000,200000
 *        --search-sizes=15000,1000000  --engines=pglite,postgresql  --duration=15
 *        --connections=50  --queries=1000  --runs=3  --profile (CPU profile of the search server)
 */
import { runImportBench } from './import.ts';
import { runOidcTokensBench } from './oidc-tokens.ts';
import { runOrientationBench } from './orientation.ts';
import { runPageWeightBench } from './page-weight.ts';
import { runPassBench } from './pass-redeem.ts';
import { runSearchBench } from './search.ts';
import { runStartupBench } from './startup.ts';
import { type Args, type BenchReport, log, parseArgs, publish } from './support.ts';

const BENCHES: Record<string, (args: Args) => Promise<BenchReport>> = {
  startup: runStartupBench,
  'page-weight': runPageWeightBench,
  import: runImportBench,
  search: runSearchBench,
  pass: runPassBench,
  orientation: runOrientationBench,
  'oidc-tokens': runOidcTokensBench,
};

const args = parseArgs();
const only = (args.get('only') ?? Object.keys(BENCHES).join(',')).split(',').filter(Boolean);
const unknown = only.filter((name) => !(name in BENCHES));
if (unknown.length > 0) {
  console.error(`Unknown benchmark: ${unknown.join(', ')}. Known: ${Object.keys(BENCHES).join(', ')}.`);
  process.exit(2);
}
// Sizes given without a prefix apply to the one benchmark asked for.
const failures: string[] = [];
const written: string[] = [];
for (const name of only) {
  const started = performance.now();
  log(`── ${name}`);
  try {
    const bench = BENCHES[name] as (args: Args) => Promise<BenchReport>;
    written.push(await publish(await bench(args)));
    log(`── ${name} done in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  } catch (error) {
    failures.push(name);
    console.error(`Benchmark ${name} failed:`, error);
  }
}
log(`results: ${written.join(', ') || 'none'}`);
if (failures.length > 0) {
  console.error(`Failed: ${failures.join(', ')}`);
  process.exit(1);
}
