/** Worker thread entry: checks one file (check-file.ts) and posts each message back. */
import { parentPort, workerData } from 'node:worker_threads';
import { checkPlacesFile } from './check-file.ts';

const { bytes, fileName, today } = workerData as { bytes: Uint8Array; fileName: string; today: string };
const port = parentPort;
if (!port) throw new Error('check-worker.ts runs as a worker thread only');
checkPlacesFile(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), { fileName, today }, (message) =>
  port.postMessage(message),
);
