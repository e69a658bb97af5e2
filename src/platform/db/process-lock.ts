/**
 * The embedded database files belong to one process at a time: two PGlite instances on the
 * same folder would corrupt it. A lock file holding the owner's pid keeps a second process
 * out with a clear message; a lock left by a crashed process is taken over.
 */
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';

export class DatabaseBusyError extends Error {
  override name = 'DatabaseBusyError';
  constructor(
    readonly dataDir: string,
    readonly ownerPid: number,
  ) {
    super(
      `La base embarquée (${dataDir}) est déjà utilisée par le processus ${ownerPid} (probablement « npm start »). ` +
        "Elle ne sert qu'un processus à la fois : arrêtez celui-ci avant de lancer cette commande, ou faites l'opération depuis l'interface d'administration. " +
        'Pour faire tourner plusieurs instances de Passerelle, utilisez un serveur PostgreSQL (DATABASE_URL, voir « Déploiement » dans le README).',
    );
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function acquireProcessLock(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'passerelle.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        try {
          if (readFileSync(file, 'utf8').trim() === String(process.pid)) rmSync(file);
        } catch {
          // already gone
        }
      };
      process.once('exit', release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
      if (Number.isFinite(owner) && owner !== process.pid && isAlive(owner)) {
        throw new DatabaseBusyError(dataDir, owner);
      }
      rmSync(file, { force: true }); // stale lock of a process that is gone
    }
  }
  throw new Error(`Cannot take the lock ${file}`);
}
