/**
 * `npm start` as a newcomer and an operator run it (scripts/start.js): the compiled server
 * from dist/ (built first if the sources changed) with its prebuilt assets. The first line
 * comes at once, the demo data exists before « prête », and a restart builds nothing and
 * creates nothing.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { freePort } from '../support/free-port.ts';

const dataDir = mkdtempSync(path.join(tmpdir(), 'passerelle-start-'));

/** Demo files cut down to the Var (communes) and twenty of its places: quick to import. */
function smallDemoData(): string {
  const dir = path.join(dataDir, 'demo-data');
  const shared = path.resolve('../shared/data');
  mkdirSync(path.join(dir, 'communes'), { recursive: true });
  mkdirSync(path.join(dir, 'lieux'), { recursive: true });
  const communes = readFileSync(path.join(shared, 'communes', 'laposte_hexasmal.csv'), 'utf8').split('\n');
  writeFileSync(
    path.join(dir, 'communes', 'laposte_hexasmal.csv'),
    [communes[0], ...communes.filter((l) => l.startsWith('83'))].join('\n'),
  );
  const places = JSON.parse(readFileSync(path.join(shared, 'lieux', 'lieux-paca-2023-05-17.json'), 'utf8')) as Array<{
    code_postal?: string;
  }>;
  writeFileSync(
    path.join(dir, 'lieux', 'lieux-paca-2023-05-17.json'),
    JSON.stringify(places.filter((p) => p.code_postal?.startsWith('83')).slice(0, 20)),
  );
  return dir;
}
const demoDataDir = smallDemoData();
const children: ChildProcess[] = [];
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

/** Runs npm start's script until the « prête » line, returning the lines printed before it. */
async function start(port: number): Promise<{ lines: string[]; stop(): Promise<number | null> }> {
  const { DATABASE_URL: _server, ...inherited } = process.env;
  const child = spawn(process.execPath, ['scripts/start.js'], {
    env: {
      ...inherited,
      NODE_ENV: 'development',
      DATA_DIR: dataDir,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      DEMO_DATA: 'oui',
      DEMO_DATA_DIR: demoDataDir,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const lines: string[] = [];
  let buffer = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString('utf8');
      const parts = buffer.split('\n');
      buffer = parts.pop() ?? '';
      lines.push(...parts);
      if (parts.some((l) => l.includes('est prête'))) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    void exited.then((code) => reject(new Error(`npm start exited (${code}):\n${lines.join('\n')}\n${buffer}`)));
  });
  return {
    lines,
    stop: async () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

// On a fresh clone (CI) the first start also builds dist/ (compile, bundle, assets): more than
// the e2e default of two minutes on a loaded 2-core machine.
it(
  'starts compiled, says what it does, and is ready only when the demo data exists',
  { timeout: 300_000 },
  async () => {
    const port = await freePort();
    const first = await start(port);
    expect(first.lines[0]).toMatch(/^Passerelle démarre \(Node\.js v\d+/);
    const ready = first.lines.findIndex((l) => l.includes('est prête'));
    const demo = first.lines.findIndex((l) => l.startsWith('Mot de passe de tous les comptes de démonstration'));
    expect(first.lines.some((l) => l.startsWith('Création de la base embarquée'))).toBe(true);
    expect(demo).toBeGreaterThan(0);
    expect(demo).toBeLessThan(ready);
    expect(first.lines.some((l) => l.startsWith('Lieux de démonstration : 20 lieux'))).toBe(true);
    expect(existsSync('dist/.build-stamp')).toBe(true);

    const health = await fetch(`http://127.0.0.1:${port}/sante`);
    expect(await health.json()).toMatchObject({ status: 'ok', database: 'pglite' });
    const home = await (await fetch(`http://127.0.0.1:${port}/`)).text();
    const stylesheet = /href="(\/assets\/app\.[0-9a-f]{12}\.css)"/.exec(home)?.[1];
    expect(stylesheet).toBeDefined();
    const css = await fetch(`http://127.0.0.1:${port}${stylesheet}`, { headers: { 'accept-encoding': 'br' } });
    expect(css.status).toBe(200);
    expect(css.headers.get('content-encoding')).toBe('br');
    expect((await css.text()).length).toBeGreaterThan(10_000);
    // The server runs as one bundled file (ADR 0034): files its sources find from
    // import.meta.url (the orientation texts and rules, the commune search) are still found, and
    // the development FranceConnect, loaded by its first request, answers.
    const page = async (url: string) => {
      const response = await fetch(`http://127.0.0.1:${port}${url}`);
      expect(response.status).toBe(200);
      return response.text();
    };
    expect(await page('/orientation?lang=en')).toContain('What help do you need for your paperwork?');
    expect(await page('/lieux?commune=Toulon')).toMatch(/\d+ lieux? à moins de \d+ km de Toulon/);
    const discovery = JSON.parse(await page('/dev/franceconnect/.well-known/openid-configuration')) as {
      issuer: string;
    };
    expect(discovery.issuer).toMatch(/\/dev\/franceconnect$/);
    expect(await first.stop()).toBe(0);

    // A restart on the same data: no build, no database creation, no demo data again.
    const again = await start(port);
    expect(again.lines.some((l) => l.includes('Construction'))).toBe(false);
    expect(again.lines.some((l) => l.startsWith('Création de la base'))).toBe(false);
    expect(again.lines.some((l) => l.startsWith('Ouverture de la base embarquée'))).toBe(true);
    expect((await fetch(`http://127.0.0.1:${port}/sante`)).status).toBe(200);
    expect(await again.stop()).toBe(0);
  },
);
