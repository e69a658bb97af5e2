/**
 * What our OpenID Connect storage costs (issue 16): the token endpoint (authorization code +
 * PKCE → access token and signed ID token) and userinfo of `oidc-provider`, with our storage
 * adapter on PostgreSQL (platform/identity/oidc-adapter.ts, table of migration 0152, signing
 * keys persisted by signing-keys.ts) next to the same provider with the library's in-memory
 * adapter: same configuration, same machine, same run, rounds that alternate the two.
 *
 * Each provider runs in a child process of its own (its CPU is its own), mounted under a
 * Fastify app as the app mounts it (mount-provider.ts). Before the timed phase the child mints,
 * through the provider's own models, everything the requests consume: for every token request a
 * session, a grant and an authorization code with its PKCE challenge (a code is usable once);
 * for userinfo, access tokens (each with its session and grant). Only the endpoints are timed.
 * Load: autocannon, 50 connections, a fixed number of requests (as many as codes were minted).
 *
 *   DATABASE_URL=postgres://postgres@127.0.0.1:5432/test node --import tsx bench/oidc-tokens.ts \
 *     [--requests=3000] [--warmup=300] [--connections=50] [--rounds=2] [--quiet-wait=60]
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import Provider, { type Adapter, type Configuration } from 'oidc-provider';
import pg from 'pg';
import { systemClock } from '../src/platform/clock.ts';
import type { Database } from '../src/platform/db/database.ts';
import { migrate } from '../src/platform/db/migrate.ts';
import { openPostgres } from '../src/platform/db/postgres.ts';
import { DEV_FRANCECONNECT_PATH, FICTIONAL_IDENTITIES } from '../src/platform/identity/dev-franceconnect.tsx';
import { mountOidcProvider } from '../src/platform/identity/mount-provider.ts';
import { databaseAdapter } from '../src/platform/identity/oidc-adapter.ts';
import { FRANCECONNECT_CLAIMS } from '../src/platform/identity/registry.ts';
import { jwksOf } from '../src/platform/identity/signing-keys.ts';
import {
  type Args,
  type BenchReport,
  benchPort,
  command,
  cpuSince,
  cpuSnapshot,
  fmt,
  int,
  isMain,
  log,
  machineBusyMs,
  markdownTable,
  median,
  parseArgs,
  percentile,
  postgresPids,
  publish,
  root,
  scratchDatabase,
  scratchDir,
  serverUrl,
  waitForQuiet,
} from './support.ts';

const SECRET_KEY = 'bench-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz';
const CLIENT_ID = 'passerelle-dev';
const CLIENT_SECRET = createHmac('sha256', SECRET_KEY).update('passerelle/dev-franceconnect/client').digest('hex');
const KEYS_OF = 'bench-oidc';
/** The app's default DATABASE_POOL_SIZE (config.ts). */
const POOL_SIZE = 10;

type Storage = 'memory' | 'database';

/**
 * The configuration of the development FranceConnect provider (dev-franceconnect.tsx), with
 * the storage as the only variable; longer lifetimes for codes and sessions only, so that the
 * codes minted before the timed phase are still valid when the last one is used.
 */
function configuration(
  publicUrl: string,
  adapter: (new (model: string) => Adapter) | undefined,
  jwks: { keys: Array<Record<string, unknown>> },
): Configuration {
  const claimsOf = (sub: string) => FICTIONAL_IDENTITIES.find((i) => i.sub === sub);
  return {
    ...(adapter ? { adapter } : {}),
    jwks: jwks as Configuration['jwks'],
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: [`${publicUrl}/franceconnect/retour`],
        post_logout_redirect_uris: [`${publicUrl}/`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
        id_token_signed_response_alg: 'ES256',
      },
    ],
    pkce: { required: () => true },
    scopes: ['openid', ...FRANCECONNECT_CLAIMS],
    claims: Object.fromEntries([['openid', ['sub']], ...FRANCECONNECT_CLAIMS.map((c) => [c, [c]])]),
    acrValues: ['eidas1'],
    features: { devInteractions: { enabled: false }, claimsParameter: { enabled: true } },
    cookies: {
      keys: [createHmac('sha256', SECRET_KEY).update('passerelle/dev-franceconnect/cookies').digest('hex')],
    },
    // dev-franceconnect.tsx: AuthorizationCode 60, Grant/Session 600. Here an hour: minting and
    // the timed phase together take minutes on a loaded machine.
    ttl: { AccessToken: 3600, AuthorizationCode: 3600, Grant: 3600, IdToken: 600, Interaction: 600, Session: 3600 },
    interactions: { url: (_ctx, interaction) => `${DEV_FRANCECONNECT_PATH}/identification/${interaction.uid}` },
    findAccount: (_ctx, id) => {
      const identity = claimsOf(id);
      return identity ? { accountId: id, claims: () => ({ ...identity }) } : undefined;
    },
  };
}

/**
 * The library's in-memory adapter (oidc-provider/lib/adapters/memory_adapter.js, what a
 * Provider uses without `adapter`), on a store of the library's own LRU class with a larger
 * bound: by default its store keeps 1,000 entries (about 200 sign-ins' sessions, grants and
 * codes) and would evict the codes minted beforehand. The adapter code is the library's.
 */
async function libraryMemoryAdapter(): Promise<new (model: string) => Adapter> {
  const lib = path.join(root, 'node_modules/oidc-provider/lib');
  const { default: MemoryAdapter } = (await import(
    pathToFileURL(path.join(lib, 'adapters/memory_adapter.js')).href
  )) as {
    default: new (model: string, store: unknown, clockTolerance: number) => Adapter;
  };
  const { default: LRU } = (await import(pathToFileURL(path.join(lib, 'helpers/lru.js')).href)) as {
    default: new (options: { maxSize: number }) => unknown;
  };
  const store = new LRU({ maxSize: 10_000_000 });
  return class extends MemoryAdapter {
    constructor(model: string) {
      super(model, store, 0);
    }
  };
}

interface Minted {
  codes: Array<{ code: string; verifier: string }>;
  accessTokens: string[];
}

const base64url = (b: Buffer) => b.toString('base64url');

/** What one sign-in leaves behind: a session, a grant (openid + the identity claims). */
async function signIn(provider: Provider, accountId: string) {
  const session = new provider.Session();
  session.loginAccount({ accountId, acr: 'eidas1', amr: ['pwd'] });
  session.ensureClientContainer(CLIENT_ID);
  const grant = new provider.Grant({ accountId, clientId: CLIENT_ID });
  const scope = ['openid', ...FRANCECONNECT_CLAIMS].join(' ');
  grant.addOIDCScope(scope);
  grant.addOIDCClaims(['given_name', 'family_name']);
  const grantId = await grant.save();
  session.grantIdFor(CLIENT_ID, grantId);
  await session.save(3600);
  return { session, grantId, scope };
}

/** Runs `fn` for 0…n-1, `width` at a time. */
async function pool(n: number, width: number, fn: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}

async function mint(provider: Provider, publicUrl: string, codes: number, tokens: number): Promise<Minted> {
  const client = await provider.Client.find(CLIENT_ID);
  if (!client) throw new Error('client not found');
  const out: Minted = { codes: new Array(codes), accessTokens: new Array(tokens) };
  const account = (i: number) => FICTIONAL_IDENTITIES[i % FICTIONAL_IDENTITIES.length]?.sub as string;
  await pool(codes, 16, async (i) => {
    const { session, grantId, scope } = await signIn(provider, account(i));
    const verifier = base64url(randomBytes(32));
    const code = new provider.AuthorizationCode({
      accountId: account(i),
      acr: 'eidas1',
      amr: ['pwd'],
      authTime: session.authTime(),
      claims: { id_token: { given_name: null, family_name: null } },
      client,
      codeChallenge: base64url(createHash('sha256').update(verifier).digest()),
      codeChallengeMethod: 'S256',
      grantId,
      nonce: base64url(randomBytes(16)),
      redirectUri: `${publicUrl}/franceconnect/retour`,
      scope,
      sessionUid: session.uid,
      expiresWithSession: true,
      gty: 'authorization_code',
    });
    out.codes[i] = { code: await code.save(), verifier };
  });
  await pool(tokens, 16, async (i) => {
    const { session, grantId, scope } = await signIn(provider, account(i));
    const at = new provider.AccessToken({
      accountId: account(i),
      client,
      grantId,
      gty: 'authorization_code',
      scope,
      claims: { userinfo: { given_name: null, family_name: null } },
      sessionUid: session.uid,
      expiresWithSession: true,
    });
    out.accessTokens[i] = await at.save();
  });
  return out;
}

/** Child: one provider on its own port; mints, writes what it minted, then serves until killed. */
async function child(args: Args) {
  const storage = args.get('storage') as Storage;
  const port = Number(args.get('port'));
  const publicUrl = `http://127.0.0.1:${port}`;
  const db: Database = await openPostgres(args.get('url') as string, POOL_SIZE);
  // Both read the same persisted key (ES256 on P-256): signing costs the same.
  const jwks = await jwksOf(db, systemClock, SECRET_KEY, KEYS_OF);
  if (storage === 'database') await db.query('TRUNCATE oidc_payloads');
  const provider = new Provider(
    `${publicUrl}${DEV_FRANCECONNECT_PATH}`,
    configuration(
      publicUrl,
      storage === 'database' ? databaseAdapter(db, systemClock) : await libraryMemoryAdapter(),
      jwks,
    ),
  );
  const app = Fastify({ logger: false });
  await mountOidcProvider(app, provider, { prefix: DEV_FRANCECONNECT_PATH, paths: ['/*'] });
  await app.listen({ port, host: '127.0.0.1' });
  const minted = await mint(provider, publicUrl, Number(args.get('codes')), Number(args.get('tokens')));
  if (storage === 'database') await db.query('ANALYZE oidc_payloads');
  writeFileSync(args.get('out') as string, JSON.stringify(minted));
  process.stdout.write('ready\n');
}

interface Running {
  child: ChildProcess;
  url: string;
  minted: Minted;
  stop(): Promise<void>;
}

async function startProvider(storage: Storage, url: string, codes: number, tokens: number): Promise<Running> {
  const port = await benchPort();
  const scratch = scratchDir('oidc-minted');
  const out = path.join(scratch.dir, 'minted.json');
  const proc = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      path.join(root, 'bench/oidc-tokens.ts'),
      '--child',
      `--storage=${storage}`,
      `--url=${url}`,
      `--port=${port}`,
      `--codes=${codes}`,
      `--tokens=${tokens}`,
      `--out=${out}`,
    ],
    { cwd: root, env: { ...process.env, NODE_ENV: 'production' }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    let text = '';
    proc.stdout?.on('data', (c: Buffer) => {
      text += c.toString('utf8');
      if (text.includes('ready\n')) resolve();
    });
    proc.once('exit', (code) => reject(new Error(`provider child exited with ${code}`)));
  });
  const minted = JSON.parse(readFileSync(out, 'utf8')) as Minted;
  scratch.remove();
  return {
    child: proc,
    url: `http://127.0.0.1:${port}`,
    minted,
    async stop() {
      proc.kill('SIGTERM');
      await exited;
    },
  };
}

/** The PostgreSQL backends connected to one database (those serving the provider under test). */
async function backendPids(url: string): Promise<number[]> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const result = await db.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
    );
    return result.rows.map((r) => r.pid);
  } finally {
    await db.end();
  }
}

type Endpoint = 'token' | 'userinfo';

interface Row {
  round: number;
  endpoint: Endpoint;
  storage: Storage;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  statuses: Record<string, number>;
  errors: number;
  cpu: { server: number; database: number; client: number };
  otherCores: number;
  loadAverage: number;
}

/** `amount` requests over `connections` connections; request i built by `build(i)`. */
async function hammer(
  running: Running,
  dbUrl: string,
  build: (i: number) => { method: 'GET' | 'POST'; path: string; headers: Record<string, string>; body?: string },
  amount: number,
  connections: number,
  measured: boolean,
): Promise<Omit<Row, 'round' | 'endpoint' | 'storage'>> {
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  const serverPid = running.child.pid ?? 0;
  const backends = await backendPids(dbUrl);
  const before = {
    client: process.cpuUsage(),
    server: cpuSnapshot([serverPid]),
    database: cpuSnapshot(backends),
    all: cpuSnapshot([serverPid, ...postgresPids()]),
    machine: machineBusyMs(),
  };
  let i = 0;
  const started = performance.now();
  const errors = await new Promise<number>((resolve, reject) => {
    const instance = autocannon(
      {
        url: running.url,
        connections: Math.min(connections, amount),
        amount,
        timeout: 30,
        requests: [{ setupRequest: (req) => ({ ...req, ...build(i++) }) }],
      },
      (error, r) => (error ? reject(error) : resolve(r.errors + r.timeouts)),
    );
    instance.on('response', (_client, status, _bytes, ms) => {
      if (status !== 200 && !statuses[status]) log(`  first ${status} response from ${running.url}`);
      latencies.push(ms);
      statuses[status] = (statuses[status] ?? 0) + 1;
    });
  });
  const elapsed = performance.now() - started;
  // Connections the pool opened during the run (it closes those idle for 10 s, e.g. while
  // waiting for a quiet machine) count from their start.
  const backendsAfter = [...new Set([...backends, ...(await backendPids(dbUrl))])];
  const client = process.cpuUsage(before.client);
  const clientMs = (client.user + client.system) / 1000;
  const own = cpuSince(before.all, [serverPid, ...postgresPids()]) + clientMs;
  const machine = machineBusyMs() - before.machine;
  const n = Math.max(1, latencies.length);
  latencies.sort((a, b) => a - b);
  if (!measured) log(`  warm-up: ${latencies.length} responses ${JSON.stringify(statuses)}`);
  return {
    rps: latencies.length / (elapsed / 1000),
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    statuses,
    errors,
    cpu: {
      server: cpuSince(before.server, [serverPid]) / n,
      database: cpuSince(before.database, backendsAfter) / n,
      client: clientMs / n,
    },
    otherCores: Math.max(0, machine - own) / elapsed,
    loadAverage: os.loadavg()[0] ?? 0,
  };
}

export async function runOidcTokensBench(args: Args): Promise<BenchReport> {
  if (!serverUrl()) throw new Error('The OpenID Connect benchmark needs PostgreSQL: set DATABASE_URL.');
  const requests = Number(args.get('requests') ?? 3000);
  const warmup = Number(args.get('warmup') ?? 300);
  const connections = Number(args.get('connections') ?? 50);
  const rounds = Math.max(1, Number(args.get('rounds') ?? 2));
  const quietWait = Number(args.get('quiet-wait') ?? 60);
  const database = await scratchDatabase('oidc');
  const rows: Row[] = [];
  try {
    const db = await openPostgres(database.url, 2);
    try {
      await migrate(db);
      await jwksOf(db, systemClock, SECRET_KEY, KEYS_OF); // the signing key both providers use
    } finally {
      await db.close();
    }
    for (let round = 1; round <= rounds; round++) {
      // Alternate which storage goes first: the shared machine's speed drifts between minutes.
      const order: Storage[] = round % 2 === 1 ? ['memory', 'database'] : ['database', 'memory'];
      for (const storage of order) {
        log(`round ${round}, ${storage}: minting ${int(requests + warmup)} codes and access tokens…`);
        const running = await startProvider(storage, database.url, requests + warmup, 2000);
        try {
          const issuerPath = DEV_FRANCECONNECT_PATH;
          const redirect = `${running.url}/franceconnect/retour`;
          let next = 0;
          const token = () => {
            const minted = running.minted.codes[next++];
            if (!minted) throw new Error('out of authorization codes');
            return {
              method: 'POST' as const,
              path: `${issuerPath}/token`,
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              body: new URLSearchParams({
                grant_type: 'authorization_code',
                code: minted.code,
                redirect_uri: redirect,
                code_verifier: minted.verifier,
                client_id: CLIENT_ID,
                client_secret: CLIENT_SECRET,
              }).toString(),
            };
          };
          const tokens = running.minted.accessTokens;
          const userinfo = (i: number) => ({
            method: 'GET' as const,
            path: `${issuerPath}/me`,
            headers: { authorization: `Bearer ${tokens[i % tokens.length]}` },
          });
          for (const [endpoint, build] of [
            ['token', token],
            ['userinfo', userinfo],
          ] as const) {
            const own = () => [running.child.pid ?? 0, ...postgresPids()];
            await waitForQuiet(own, 0.25, quietWait);
            await hammer(running, database.url, build, warmup, connections, false);
            await waitForQuiet(own, 0.25, quietWait);
            const measured = await hammer(running, database.url, build, requests, connections, true);
            log(
              `  ${endpoint} ${storage}: ${fmt(measured.rps, 0)} req/s, p95 ${fmt(measured.p95, 1)} ms ${JSON.stringify(measured.statuses)}`,
            );
            rows.push({ round, endpoint, storage, ...measured });
          }
        } finally {
          await running.stop();
        }
      }
    }
  } finally {
    await database.drop();
  }
  return {
    name: 'oidc-tokens',
    title: 'OpenID Connect provider: token endpoint and userinfo',
    sections: report(rows, { requests, warmup, connections, rounds }),
  };
}

function report(
  rows: Row[],
  flags: { requests: number; warmup: number; connections: number; rounds: number },
): BenchReport['sections'] {
  const label: Record<Endpoint, string> = {
    token: 'token `POST /token` (code + PKCE)',
    userinfo: 'userinfo `GET /me`',
  };
  const storageLabel: Record<Storage, string> = {
    memory: 'in-memory adapter (library)',
    database: 'our adapter, PostgreSQL',
  };
  const pair = (r: Row) => rows.find((o) => o.round === r.round && o.endpoint === r.endpoint && o !== r);
  const ok = (r: Row) => r.statuses['200'] ?? 0;
  const failed = (r: Row) =>
    r.errors + Object.entries(r.statuses).reduce((sum, [s, n]) => (s === '200' ? sum : sum + n), 0);
  const cpuOf = (r: Row) => r.cpu.server + r.cpu.database;
  const table = markdownTable(
    [
      'Round',
      'Endpoint',
      'Storage',
      'Requests/s',
      'p50 (ms)',
      'p95 (ms)',
      'p99 (ms)',
      'Errors (non-200 or socket)',
      'CPU ms/req: server · PostgreSQL · client',
      'Memory / ours, requests/s',
      'Ours / memory, p95',
      'Other load (cores)',
      'Load average (1 min)',
    ],
    rows.map((r) => {
      const other = pair(r);
      const isOurs = r.storage === 'database';
      return [
        String(r.round),
        label[r.endpoint],
        storageLabel[r.storage],
        fmt(r.rps, 0),
        fmt(r.p50, 1),
        fmt(r.p95, 1),
        fmt(r.p99, 1),
        `${int(failed(r))} (${int(ok(r))}× 200)`,
        `${fmt(r.cpu.server, 2)} · ${fmt(r.cpu.database, 2)} · ${fmt(r.cpu.client, 2)}`,
        isOurs && other ? fmt(other.rps / r.rps, 2) : '',
        isOurs && other ? fmt(r.p95 / other.p95, 2) : '',
        fmt(r.otherCores, 2),
        fmt(r.loadAverage, 2),
      ];
    }),
  );
  const summary = markdownTable(
    [
      'Endpoint',
      'Requests/s: memory · ours',
      'Ratio memory / ours',
      'p95 (ms): memory · ours',
      'CPU ms/req (server + PostgreSQL): memory · ours',
      'Errors: memory · ours',
    ],
    (['token', 'userinfo'] as const).map((endpoint) => {
      const of = (storage: Storage) => rows.filter((r) => r.endpoint === endpoint && r.storage === storage);
      const mem = of('memory');
      const ours = of('database');
      const ratios = ours.map((r) => (pair(r)?.rps ?? Number.NaN) / r.rps).filter(Number.isFinite);
      return [
        label[endpoint],
        `${fmt(median(mem.map((r) => r.rps)), 0)} · ${fmt(median(ours.map((r) => r.rps)), 0)}`,
        fmt(median(ratios), 2),
        `${fmt(median(mem.map((r) => r.p95)), 1)} · ${fmt(median(ours.map((r) => r.p95)), 1)}`,
        `${fmt(median(mem.map(cpuOf)), 2)} · ${fmt(median(ours.map(cpuOf)), 2)}`,
        `${int(mem.reduce((s, r) => s + failed(r), 0))} · ${int(ours.reduce((s, r) => s + failed(r), 0))}`,
      ];
    }),
  );
  const cmd = command(
    'oidc-tokens.ts',
    { requests: flags.requests, warmup: flags.warmup, connections: flags.connections, rounds: flags.rounds },
    true,
  );
  return [
    {
      heading: `Medians over ${flags.rounds} round(s), ${flags.connections} connections, PostgreSQL`,
      command: cmd,
      table: summary,
      notes: [
        "Ratio memory / ours: requests per second with the library's in-memory adapter divided by those with our PostgreSQL adapter, each round against the other storage of the same round, median of the rounds: what our storage costs in throughput. CPU per request: server process + the PostgreSQL backends of the bench's own database (the in-memory provider has none: its row shows only the server).",
      ],
    },
    {
      heading: 'Every run',
      command: cmd,
      table,
      notes: [
        `Each provider: oidc-provider ${providerVersion()} with the configuration of the development FranceConnect provider (src/platform/identity/dev-franceconnect.tsx: client_secret_post, PKCE required, ES256 ID tokens from the key persisted by signing-keys.ts, FranceConnect scopes and claims, claims parameter, acr eidas1), the storage being the only difference; code, grant and session lifetimes an hour instead of 1 and 10 minutes so that codes minted beforehand stay valid. Mounted under a bare Fastify app through mount-provider.ts (as the app mounts it, without the app's other hooks), NODE_ENV=production, in a child process of its own; our adapter on a pool of ${POOL_SIZE} connections (the app's DATABASE_POOL_SIZE default).`,
        `Minted before the timed phase through the provider's models: for each token request a session, a grant (openid + the FranceConnect scopes, given_name and family_name asked through \`claims\`) and a single-use authorization code with its S256 challenge; for userinfo, 2,000 access tokens (each with its session and grant), used in turn. A token request checks the client, finds the code, its grant and session, checks PKCE, consumes the code, saves an access token and signs an ID token; a userinfo request finds the access token, its session and grant, and returns the claims.`,
        `Load: autocannon, ${flags.connections} connections, ${int(flags.requests)} requests per measured run after ${int(flags.warmup)} warm-up requests (closed loop: as fast as the connections go); before each, a wait (bounded) for the rest of the machine to be quiet. Rounds alternate which storage goes first. CPU ms/req: user + system time from /proc of the provider process, of the PostgreSQL backends connected to the bench's database, and of this load generator, divided by the responses. Other load: cores used by the rest of the shared machine meanwhile.`,
      ],
    },
  ];
}

function providerVersion(): string {
  return (
    JSON.parse(readFileSync(path.join(root, 'node_modules/oidc-provider/package.json'), 'utf8')) as { version: string }
  ).version;
}

if (isMain(import.meta.url)) {
  const args = parseArgs();
  if (args.has('child')) await child(args);
  else await publish(await runOidcTokensBench(args));
}
