/**
 * Drives a running server with autocannon on GET /api/v1/lieux, a different random position
 * in France on every request, and reports per-response latency percentiles, throughput, the
 * status codes, and the CPU time spent per request by the server process, the PostgreSQL
 * server's processes and autocannon itself (they share the same cores), and how much CPU the
 * rest of the machine used meanwhile (noise from other work).
 */
import http from 'node:http';
import autocannon from 'autocannon';
import { randomPositions } from './generate-places.ts';
import {
  cpuSince,
  cpuSnapshot,
  machineBusyMs,
  percentile,
  postgresPids,
  type RunningServer,
  waitForQuiet,
} from './support.ts';

export interface LoadSpec {
  /** Name of the row in the results. */
  label: string;
  /** Search variant (key shared with the query-alone measurement). */
  variant: string;
  query: Record<string, string>;
  /**
   * Requests per second offered, evenly spaced (open loop: requests start on schedule whether or
   * not earlier ones have finished, at most `connections` at once, the others wait their turn and
   * the wait counts in their latency); undefined = as fast as the connections go (closed loop).
   * Not autocannon's own rate option: it sends each connection's quota for the second at once,
   * then waits for the next second — a burst every second rather than a steady flow.
   */
  rate?: number;
}

export interface HttpResult {
  label: string;
  variant: string;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
  statuses: Record<string, number>;
  errors: number;
  kbPerResponse: number;
  /** CPU milliseconds per request: the server process, PostgreSQL's processes, autocannon. */
  cpu: { server: number; database: number; client: number };
  /** Cores used by other processes of the machine during the run (noise). */
  otherCores: number;
}

export function pathFor(query: Record<string, string>, p: { latitude: number; longitude: number }): string {
  const params = new URLSearchParams({ latitude: String(p.latitude), longitude: String(p.longitude), ...query });
  return `/api/v1/lieux?${params}`;
}

async function hammer(
  server: RunningServer,
  spec: LoadSpec,
  options: { seconds: number; connections: number; seed: number },
): Promise<Omit<HttpResult, 'label' | 'variant'>> {
  const next = randomPositions(options.seed);
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let bytes = 0;
  const before = {
    server: cpuSnapshot([server.child.pid ?? 0]),
    database: cpuSnapshot(postgresPids()),
    client: process.cpuUsage(),
    machine: machineBusyMs(),
    at: performance.now(),
  };
  const record = (status: number, resBytes: number, ms: number) => {
    latencies.push(ms);
    bytes += resBytes;
    statuses[status] = (statuses[status] ?? 0) + 1;
  };
  const errors = spec.rate
    ? await openLoop(server.url, () => ({ path: pathFor(spec.query, next()) }), spec.rate, options, record)
    : await new Promise<number>((resolve, reject) => {
        const instance = autocannon(
          {
            url: server.url,
            connections: options.connections,
            duration: options.seconds,
            requests: [{ method: 'GET', setupRequest: (req) => ({ ...req, path: pathFor(spec.query, next()) }) }],
          },
          (error, r) => (error ? reject(error) : resolve(r.errors + r.timeouts)),
        );
        instance.on('response', (_client, status, resBytes, ms) => record(status, resBytes, ms));
      });
  const n = Math.max(1, latencies.length);
  const clientUsage = process.cpuUsage(before.client);
  const used = {
    server: cpuSince(before.server, [server.child.pid ?? 0]),
    database: cpuSince(before.database, postgresPids()),
    client: (clientUsage.user + clientUsage.system) / 1000,
  };
  const machine = machineBusyMs() - before.machine;
  latencies.sort((a, b) => a - b);
  return {
    rps: latencies.length / options.seconds,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    statuses,
    errors,
    kbPerResponse: bytes / n / 1024,
    cpu: { server: used.server / n, database: used.database / n, client: used.client / n },
    otherCores: Math.max(0, machine - used.server - used.database - used.client) / (performance.now() - before.at),
  };
}

/**
 * Open-loop load: `rate` GET requests per second on a steady schedule (checked every
 * millisecond) over keep-alive connections, at most `connections` in flight; a request's latency
 * runs from its scheduled start, so time spent waiting for a free connection counts.
 */
export interface OpenLoopRequest {
  path: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

export function openLoop(
  base: string,
  nextRequest: () => OpenLoopRequest,
  rate: number,
  options: { seconds: number; connections: number },
  record: (status: number, bytes: number, ms: number) => void,
): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections });
  const url = new URL(base);
  const total = Math.round(rate * options.seconds);
  const start = performance.now();
  let sent = 0;
  let done = 0;
  let errors = 0;
  return new Promise((resolve) => {
    const finish = () => {
      done++;
      if (done === total) {
        agent.destroy();
        resolve(errors);
      }
    };
    const timer = setInterval(() => {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate));
      for (; sent < due; sent++) {
        const scheduled = start + (sent * 1000) / rate;
        const spec = nextRequest();
        const req = http.request(
          {
            host: url.hostname,
            port: url.port,
            path: spec.path,
            method: spec.method ?? 'GET',
            headers: spec.headers,
            agent,
          },
          (res) => {
            let size = 0;
            res.on('data', (chunk: Buffer) => {
              size += chunk.length;
            });
            res.on('end', () => {
              record(res.statusCode ?? 0, size, performance.now() - scheduled);
              finish();
            });
          },
        );
        req.on('error', () => {
          errors++;
          finish();
        });
        req.end(spec.body);
      }
      if (sent >= total) clearInterval(timer);
    }, 1);
  });
}

/** Each spec: a warm-up, then the measured run. */
export async function loadServer(
  server: RunningServer,
  specs: LoadSpec[],
  options: { seconds: number; warmup: number; connections: number },
): Promise<HttpResult[]> {
  const out: HttpResult[] = [];
  for (const [i, spec] of specs.entries()) {
    if (options.warmup > 0) {
      await waitForQuiet(() => [server.child.pid ?? 0, ...postgresPids()]);
      await hammer(server, spec, { ...options, seconds: options.warmup, seed: 100 + i });
    }
    await waitForQuiet(() => [server.child.pid ?? 0, ...postgresPids()]);
    const measured = await hammer(server, spec, { ...options, seed: 200 + i });
    out.push({ label: spec.label, variant: spec.variant, ...measured });
  }
  return out;
}
