/**
 * Runs check-file.ts in a worker thread (the default) or, for a baseline, on the calling
 * thread. The receiving side gets the same messages either way.
 */
import { Worker } from 'node:worker_threads';
import { type CheckedPlace, type CheckMessage, type CheckSummary, checkPlacesFile } from './check-file.ts';

export type CheckOutcome = { ok: true; summary: CheckSummary; accepted: CheckedPlace[] } | { ok: false; error: string };

export interface RunCheckOptions {
  fileName: string;
  today: string;
  /** false: on the calling thread, blocking it for the whole check (benchmark baseline). */
  inWorker: boolean;
  onProgress: (phase: 'lecture' | 'vérification', done: number, total: number) => void;
}

function workerScript(): { url: URL; execArgv: string[] } {
  // Sources (.ts, tests and `npm run cli`) or the compiled dist/ (.js, `npm start`).
  const fromSources = import.meta.url.endsWith('.ts');
  const url = new URL(fromSources ? './check-worker.ts' : './check-worker.js', import.meta.url);
  const execArgv =
    fromSources && !process.execArgv.some((a) => a.includes('tsx'))
      ? [...process.execArgv, '--import', 'tsx']
      : process.execArgv;
  return { url, execArgv };
}

export function runCheck(bytes: Buffer, options: RunCheckOptions): Promise<CheckOutcome> {
  const accepted: CheckedPlace[] = [];
  let outcome: CheckOutcome | undefined;
  const receive = (message: CheckMessage) => {
    if (message.type === 'progress') options.onProgress(message.phase, message.done, message.total);
    else if (message.type === 'places') for (const p of message.places) accepted.push(p);
    else if (message.type === 'unreadable') outcome = { ok: false, error: message.error };
    else outcome = { ok: true, summary: message.summary, accepted };
  };
  if (!options.inWorker) {
    checkPlacesFile(bytes, options, receive);
    return Promise.resolve(outcome as CheckOutcome);
  }
  const { url, execArgv } = workerScript();
  return new Promise((resolve, reject) => {
    const worker = new Worker(url, {
      workerData: { bytes, fileName: options.fileName, today: options.today },
      execArgv,
    });
    worker.on('message', receive);
    worker.on('error', reject);
    worker.on('exit', (code) => {
      if (outcome) resolve(outcome);
      else reject(new Error(`The file check stopped without an answer (worker exit code ${code}).`));
    });
  });
}
