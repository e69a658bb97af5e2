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

export async function openDatabase(config: Config, options: { migrate?: boolean } = {}): Promise<Database> {
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
    db = await openPglite({ dataDir: config.database.dataDir });
  }
  if (options.migrate !== false) {
    try {
      await migrate(db);
    } catch (error) {
      await db.close();
      throw error;
    }
  }
  return db;
}
