import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../../config.ts';
import type { Database } from './database.ts';
import { migrate } from './migrate.ts';
import { openPglite } from './pglite.ts';
import { openPostgres } from './postgres.ts';

export class DatabaseUnavailableError extends Error {
  override name = 'DatabaseUnavailableError';
}

/** Hides the password of a connection string before it is printed. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, '//$1:***@');
}

export interface OpenOptions {
  migrate?: boolean;
  /** Lines for the person watching a start (what is being done, before it takes time). */
  progress?: (line: string) => void;
}

export async function openDatabase(config: Config, options: OpenOptions = {}): Promise<Database> {
  const progress = options.progress ?? (() => {});
  let db: Database;
  if (config.database.engine === 'postgresql') {
    try {
      db = await openPostgres(config.database.url, config.database.poolSize);
    } catch (error) {
      const cause = (error as Error).message || (error as NodeJS.ErrnoException).code || String(error);
      throw new DatabaseUnavailableError(
        `Impossible de joindre PostgreSQL (${redactUrl(config.database.url)}) : ${cause}. Vérifiez que le serveur tourne et DATABASE_URL.`,
      );
    }
  } else {
    const fresh = !existsSync(path.join(config.database.dataDir, 'PG_VERSION'));
    progress(
      fresh
        ? `Création de la base embarquée dans ${config.database.dataDir} (première fois, quelques secondes)…`
        : `Ouverture de la base embarquée (${config.database.dataDir})…`,
    );
    db = await openPglite({ dataDir: config.database.dataDir });
  }
  if (options.migrate !== false) {
    try {
      await migrate(db, undefined, (name) => progress(`Mise à jour du schéma : ${name}`));
    } catch (error) {
      await db.close();
      throw error;
    }
  }
  return db;
}
