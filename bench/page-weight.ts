/**
 * Bytes a visitor downloads, measured in real Chromium through the DevTools protocol: the sum
 * of encodedDataLength of Network.loadingFinished (compressed bodies plus headers) and the
 * number of requests, for the home page and the search results page, with the PACA places
 * imported. First visit: a new browser context (empty cache). Repeat visit: a new tab in the
 * same context, navigating to the same address again.
 *
 *   node --import tsx bench/page-weight.ts [--pages=/,/lieux?commune=Toulon]
 */
import path from 'node:path';
import type { BrowserContext, CDPSession } from 'playwright-core';
import { launchBrowser } from '../test/support/e2e.ts';
import type { LoadResult } from './load-places.ts';
import {
  type Args,
  type BenchReport,
  command,
  fmt,
  int,
  isMain,
  log,
  markdownTable,
  parseArgs,
  publish,
  runChild,
  scratchDir,
  startServer,
} from './support.ts';

const KINDS = ['HTML', 'CSS', 'JS', 'Fonts', 'Images', 'Other'] as const;
type Kind = (typeof KINDS)[number];

function kindOf(resourceType: string | undefined, mime: string | undefined): Kind {
  switch (resourceType) {
    case 'Document':
      return 'HTML';
    case 'Stylesheet':
      return 'CSS';
    case 'Script':
      return 'JS';
    case 'Font':
      return 'Fonts';
    case 'Image':
      return 'Images';
  }
  if (mime?.startsWith('image/')) return 'Images';
  return 'Other';
}

interface Visit {
  bytes: number;
  byKind: Record<Kind, number>;
  /** Requests that went over the network. */
  requests: number;
  /** Requests answered from the browser cache without touching the network. */
  fromCache: number;
  statuses: string[];
}

/** Opens a tab, records its network through CDP while it loads `url`, and closes it. */
async function visit(context: BrowserContext, url: string): Promise<Visit> {
  const page = await context.newPage();
  const cdp: CDPSession = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  const requests = new Map<string, { type?: string; mime?: string; cached: boolean; status?: number; url: string }>();
  const result: Visit = {
    bytes: 0,
    byKind: Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<Kind, number>,
    requests: 0,
    fromCache: 0,
    statuses: [],
  };
  cdp.on('Network.requestWillBeSent', (e) => {
    if (e.request.url.startsWith('data:')) return;
    requests.set(e.requestId, { type: e.type, cached: false, url: e.request.url });
  });
  cdp.on('Network.requestServedFromCache', (e) => {
    const r = requests.get(e.requestId);
    if (r) r.cached = true;
  });
  cdp.on('Network.responseReceived', (e) => {
    const r = requests.get(e.requestId);
    if (!r) return;
    r.mime = e.response.mimeType;
    r.status = e.response.status;
    if (e.response.fromDiskCache || e.response.fromPrefetchCache) r.cached = true;
  });
  cdp.on('Network.loadingFinished', (e) => {
    const r = requests.get(e.requestId);
    if (!r) return;
    if (r.cached && e.encodedDataLength === 0) {
      result.fromCache++;
      return;
    }
    result.requests++;
    result.bytes += e.encodedDataLength;
    result.byKind[kindOf(r.type, r.mime)] += e.encodedDataLength;
    result.statuses.push(`${r.status ?? '?'} ${new URL(r.url).pathname}`);
  });
  await page.goto(url, { waitUntil: 'networkidle' });
  await page.close();
  return result;
}

const kb = (n: number) => fmt(n / 1024, 1);

export async function runPageWeightBench(args: Args): Promise<BenchReport> {
  const pages = (args.get('pages') ?? '/,/lieux?commune=Toulon').split(',');
  const scratch = scratchDir('pages');
  const rows: Array<{ page: string; which: string; v: Visit }> = [];
  try {
    log('page weight: importing communes and the PACA places…');
    await runChild<LoadResult>('bench/load-places.ts', [
      '--engine=pglite',
      `--data-dir=${path.join(scratch.dir, 'pglite')}`,
      '--paca',
    ]);
    const server = await startServer({ DATA_DIR: scratch.dir, DEMO_DATA: 'non', LOG_LEVEL: 'warn' });
    const browser = await launchBrowser();
    try {
      for (const p of pages) await fetch(`${server.url}${p}`); // server warm, not measured
      for (const p of pages) {
        const context = await browser.newContext();
        rows.push({ page: p, which: 'first visit', v: await visit(context, `${server.url}${p}`) });
        rows.push({ page: p, which: 'repeat visit', v: await visit(context, `${server.url}${p}`) });
        await context.close();
      }
    } finally {
      await browser.close();
      await server.stop();
    }
  } finally {
    scratch.remove();
  }

  const target = (page: string, which: string, bytes: number) => {
    if (!page.startsWith('/lieux?')) return '';
    const limit = which === 'first visit' ? 100 : 15;
    return bytes / 1024 <= limit ? `met (≤ ${limit} KB)` : `MISSED (> ${limit} KB)`;
  };
  const table = markdownTable(
    ['Page', 'Visit', 'Total (KB)', ...KINDS.map((k) => `${k} (KB)`), 'Requests', 'From cache', 'Target'],
    rows.map((r) => [
      `\`${r.page}\``,
      r.which,
      kb(r.v.bytes),
      ...KINDS.map((k) => kb(r.v.byKind[k])),
      int(r.v.requests),
      int(r.v.fromCache),
      target(r.page, r.which, r.v.bytes),
    ]),
  );
  const details = rows.map((r) => `- \`${r.page}\`, ${r.which}: ${r.v.statuses.join(', ') || 'no request'}`);
  return {
    name: 'page-weight',
    title: 'Page weight in Chromium',
    sections: [
      {
        heading: 'Bytes transferred (compressed bodies + headers, from CDP encodedDataLength)',
        command: command('page-weight.ts', { pages: pages.join(',') }),
        table,
        notes: [
          'Embedded database with the postcode base and the 646 PACA places; real server (src/server.ts); Chromium headless at /usr/bin/chromium. 1 KB = 1,024 bytes.',
          'Network requests made, with their status:',
          ...details,
        ],
      },
    ],
  };
}

if (isMain(import.meta.url)) await publish(await runPageWeightBench(parseArgs()));
