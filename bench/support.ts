/**
 * Shared machinery of the benchmarks: flags, scratch databases and folders, child processes
 * that report one JSON result, the real server started on a free port, Markdown tables and
 * the results files. Benchmarks print and write figures; they never assert timings.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { freePort } from '../test/support/free-port.ts';

export const root = fileURLToPath(new URL('..', import.meta.url));
export const sharedData = path.resolve(root, process.env.BENCH_SHARED_DATA ?? '../shared/data');
export const communesFile = path.join(sharedData, 'communes/laposte_hexasmal.csv');
export const pacaFile = path.join(sharedData, 'lieux/lieux-paca-2023-05-17.json');

export type Engine = 'pglite' | 'postgresql';

/** `--key=value` flags (a bare `--key` is 'true'). */
export type Args = Map<string, string>;
export function parseArgs(argv = process.argv.slice(2)): Args {
  const args: Args = new Map();
  for (const a of argv) {
    const m = /^--([^=]+)(?:=(.*))?$/.exec(a);
    if (m?.[1]) args.set(m[1], m[2] ?? 'true');
  }
  return args;
}

export function numberList(text: string): number[] {
  return text
    .split(',')
    .map((s) => Number(s.trim().replace(/_/g, '')))
    .filter((n) => Number.isFinite(n) && n > 0);
}

export function isMain(url: string): boolean {
  return process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(url);
}

/** PostgreSQL server for the benchmarks (a user allowed to create databases); undefined = skip it. */
export function serverUrl(): string | undefined {
  return process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
}

/** Engines asked by --engines, PostgreSQL dropped with a notice when no server is configured. */
export function enginesOf(args: Args): Engine[] {
  const asked = (args.get('engines') ?? process.env.BENCH_ENGINES ?? 'pglite,postgresql').split(',') as Engine[];
  if (asked.includes('postgresql') && !serverUrl()) {
    console.error(
      'PostgreSQL skipped: set DATABASE_URL (or BENCH_DATABASE_URL) to a server where you may CREATE DATABASE.',
    );
    return asked.filter((e) => e !== 'postgresql');
  }
  return asked.filter((e) => e === 'pglite' || e === 'postgresql');
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

/** A fresh database on the server, dropped by drop(). */
export async function scratchDatabase(label: string): Promise<{ url: string; drop(): Promise<void> }> {
  const server = serverUrl();
  if (!server) throw new Error('No PostgreSQL server: set DATABASE_URL');
  const name = `passerelle_bench_${label.replace(/\W/g, '_')}_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  return {
    url: withDatabase(server, name),
    async drop() {
      const a = new pg.Client({ connectionString: server });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

export function scratchDir(label: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), `passerelle-bench-${label}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Environment for a child: the parent's, without any database choice unless given. */
export function childEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.DATABASE_URL;
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

const RESULT_PREFIX = '@@bench-result ';

/** Called by a child process to hand its result to the parent. */
export function reportResult(value: unknown): void {
  process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(value)}\n`);
}

/** Runs `node --import tsx <script> …args` and returns the JSON it reported. */
export function runChild<T>(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv = childEnv({}),
  nodeFlags: string[] = [],
): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeFlags, '--import', 'tsx', path.join(root, script), ...args], {
      cwd: root,
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
      if (code === 0 && line) resolve(JSON.parse(line.slice(RESULT_PREFIX.length)) as T);
      else reject(new Error(`${script} ${args.join(' ')} exited with ${code}\n${out.slice(-2000)}`));
    });
  });
}

export { freePort };

/**
 * A port for a server under test: the first free one of BENCH_PORT_RANGE (e.g. `4200-4299`,
 * for shared machines where each user has a range), else any free port.
 */
export async function benchPort(): Promise<number> {
  const range = process.env.BENCH_PORT_RANGE?.match(/^(\d+)-(\d+)$/);
  if (!range) return freePort();
  const { createServer } = await import('node:net');
  for (let p = Number(range[1]); p <= Number(range[2]); p++) {
    const free = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(p, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (free) return p;
  }
  throw new Error(`no free port in BENCH_PORT_RANGE=${process.env.BENCH_PORT_RANGE}`);
}

export interface RunningServer {
  url: string;
  child: ChildProcess;
  /** Milliseconds from spawn to the first 200 of GET /sante. */
  readyMs: number;
  output(): string;
  stop(): Promise<void>;
}

/**
 * How a checkout starts its server: the compiled build through scripts/start.js (which builds
 * first if needed), or, in checkouts older than that, src/server.ts through tsx.
 */
export function serverEntry(checkout: string): string[] {
  return existsSync(path.join(checkout, 'scripts', 'start.js'))
    ? ['scripts/start.js']
    : ['--import', 'tsx', 'src/server.ts'];
}

/** The real entry point (npm start's) on a free port; resolves at the first 200 of /sante. */
export async function startServer(env: Record<string, string | undefined>, nodeFlags: string[] = []) {
  const port = await benchPort();
  const url = `http://127.0.0.1:${port}`;
  const started = performance.now();
  // BENCH_SERVER_ROOT: another checkout (e.g. with a proposed fix) to compare against.
  const serverRoot = process.env.BENCH_SERVER_ROOT ?? root;
  const child = spawn(process.execPath, [...nodeFlags, ...serverEntry(serverRoot)], {
    cwd: serverRoot,
    env: childEnv({
      PORT: String(port),
      HOST: '127.0.0.1',
      PUBLIC_URL: url,
      SECRET_KEY: 'bench-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz',
      // A profiled server runs module by module: its profile then names our files and each package.
      ...(nodeFlags.some((f) => f.startsWith('--cpu-prof')) ? { PASSERELLE_UNBUNDLED: '1' } : {}),
      ...env,
    }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => {
    output += c.toString('utf8');
  });
  child.stderr?.on('data', (c: Buffer) => {
    output += c.toString('utf8');
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let done = false;
  void exited.then(() => {
    done = true;
  });
  for (;;) {
    if (done) throw new Error(`server exited before answering:\n${output}`);
    if (performance.now() - started > 180_000) throw new Error(`server not ready after 180 s:\n${output}`);
    const ok = await fetch(`${url}/sante`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  const readyMs = performance.now() - started;
  return {
    url,
    child,
    readyMs,
    output: () => output,
    async stop() {
      if (!done) child.kill('SIGTERM');
      await exited;
    },
  } satisfies RunningServer;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

/** The middle value; for an even count, the mean of the two middle ones (two rounds: their mean). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export const fmt = (n: number, digits = 1) =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : '—';
export const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '—');

export function markdownTable(headers: string[], rows: Array<Array<string | number>>): string {
  const line = (cells: Array<string | number>) => `| ${cells.map(String).join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

export interface Section {
  heading: string;
  command: string;
  table: string;
  notes?: string[];
}

export interface BenchReport {
  name: string;
  title: string;
  sections: Section[];
}

export async function machineFacts(): Promise<string[]> {
  const cpus = os.cpus();
  const facts = [
    `CPU: ${cpus[0]?.model ?? 'unknown'} × ${cpus.length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GB RAM`,
    `Node ${process.version} on ${os.type()} ${os.release()}`,
  ];
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'migrations'], {
      cwd: root,
      encoding: 'utf8',
    });
    facts.push(`Code: commit ${head}${dirty.trim() ? ' with uncommitted changes in src/ or migrations/' : ''}`);
  } catch {
    // not a git checkout
  }
  const pglite = JSON.parse(readFileSync(path.join(root, 'node_modules/@electric-sql/pglite/package.json'), 'utf8'));
  facts.push(`PGlite ${pglite.version} (embeds PostgreSQL 18)`);
  const url = serverUrl();
  if (url) {
    const c = new pg.Client({ connectionString: url });
    try {
      await c.connect();
      const r = await c.query<{ v: string }>("SELECT current_setting('server_version') AS v");
      facts.push(`PostgreSQL server ${r.rows[0]?.v} (same machine, ${new URL(url).host})`);
    } catch (error) {
      facts.push(`PostgreSQL server unreachable: ${(error as Error).message}`);
    } finally {
      await c.end().catch(() => {});
    }
  }
  return facts;
}

export function renderReport(report: BenchReport, facts: string[], date = new Date()): string {
  const parts = [
    `# ${report.title}`,
    '',
    `Date: ${date.toISOString().replace(/\.\d+Z$/, 'Z')}`,
    '',
    ...facts.map((f) => `- ${f}`),
  ];
  for (const s of report.sections) {
    parts.push('', `## ${s.heading}`, '', `Reproduce: \`${s.command}\``, '', s.table);
    if (s.notes?.length) parts.push('', ...s.notes);
  }
  return `${parts.join('\n')}\n`;
}

/** Prints the report and writes bench/results/<name>.md. */
export async function publish(report: BenchReport): Promise<string> {
  const text = renderReport(report, await machineFacts());
  const dir = path.join(root, 'bench/results');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${report.name}.md`);
  writeFileSync(file, text);
  console.log(`\n${text}`);
  console.log(`(written to ${path.relative(root, file)})`);
  return file;
}

/** The shell command that reproduces a table. */
export function command(script: string, flags: Record<string, string | number | undefined>, pg = false): string {
  const parts = Object.entries(flags)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `--${k}=${String(v).includes(' ') ? `'${v}'` : v}`);
  const env = pg ? 'DATABASE_URL=postgres://postgres@127.0.0.1:5432/test ' : '';
  return `${env}node --import tsx bench/${script} ${parts.join(' ')}`.trim();
}

/** CPU time (user + system, ms) of each process, read from /proc (Linux); gone processes are left out. */
export function cpuSnapshot(pids: readonly number[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(pid, (Number(fields[11]) + Number(fields[12])) * 10); // USER_HZ is 100 on Linux
    } catch {
      // the process ended
    }
  }
  return out;
}

/** CPU ms used since `before` by these processes (those that ended meanwhile are not counted). */
export function cpuSince(before: Map<number, number>, pids: readonly number[]): number {
  let total = 0;
  for (const [pid, ms] of cpuSnapshot(pids)) total += ms - (before.get(pid) ?? 0);
  return total;
}

/** CPU time (ms) all processes of the machine have used since boot, from /proc/stat. */
export function machineBusyMs(): number {
  const fields = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = fields;
  return (user + nice + system + irq + softirq + steal) * 10;
}

/**
 * Waits (up to maxSeconds) until the rest of the machine uses less than `cores` CPU over a
 * 2-second window, so that a measurement does not run beside someone else's test suite.
 * Returns the load seen last, in cores.
 */
export async function waitForQuiet(ownPids: () => number[], cores = 0.25, maxSeconds = 180): Promise<number> {
  const until = performance.now() + maxSeconds * 1000;
  for (;;) {
    const start = {
      machine: machineBusyMs(),
      own: cpuSnapshot(ownPids()),
      self: process.cpuUsage(),
      at: performance.now(),
    };
    await new Promise((r) => setTimeout(r, 2000));
    const self = process.cpuUsage(start.self);
    const own = cpuSince(start.own, ownPids()) + (self.user + self.system) / 1000;
    const load = Math.max(0, machineBusyMs() - start.machine - own) / (performance.now() - start.at);
    if (load < cores) return load;
    if (performance.now() > until) {
      log(`the machine stays busy (${load.toFixed(2)} cores used by other processes): measuring anyway`);
      return load;
    }
  }
}

/** Pids of the PostgreSQL server's processes on this machine (to account for their CPU time). */
export function postgresPids(): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') pids.push(Number(entry));
    } catch {
      // gone
    }
  }
  return pids;
}

export const log = (message: string) => console.error(`[bench] ${message}`);
