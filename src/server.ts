/**
 * Process entry: configuration, database, demo data on a first start, HTTP server, graceful
 * shutdown. Every failure a newcomer can meet ends with one clear line and a non-zero exit.
 */
import { buildApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { seedDemo, shouldSeedDemoOnStart } from './demo.ts';
import { systemClock } from './platform/clock.ts';
import type { Database } from './platform/db/database.ts';
import { DatabaseUnavailableError, openDatabase } from './platform/db/open-database.ts';
import { DatabaseBusyError } from './platform/db/process-lock.ts';

function fail(message: string): never {
  process.stderr.write(`Passerelle ne peut pas démarrer : ${message}\n`);
  process.exit(1);
}

async function main() {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message);
    throw error;
  }

  let db: Database;
  try {
    db = await openDatabase(config);
  } catch (error) {
    if (error instanceof DatabaseUnavailableError || error instanceof DatabaseBusyError) fail(error.message);
    throw error;
  }

  const app = await buildApp({ config, db });

  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'arrêt en cours');
    const timer = setTimeout(() => process.exit(1), 15_000);
    timer.unref();
    try {
      await app.close();
    } finally {
      await db.close();
      process.exit(0);
    }
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  try {
    await app.listen({ port: config.port, host: config.host });
  } catch (error) {
    await db.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') fail(`le port ${config.port} est déjà utilisé. Choisissez-en un autre avec PORT=3001.`);
    throw error;
  }
  process.stdout.write(
    `Passerelle ${config.version} est prête : ${config.publicUrl} (base ${db.engine === 'pglite' ? `embarquée dans ${config.dataDir}` : 'PostgreSQL'}). Ctrl+C pour arrêter.\n`,
  );
  // Demo data is created once the server answers, so that the first start is not slower.
  if (await shouldSeedDemoOnStart(db, config)) {
    process.stdout.write('Création des données de démonstration…\n');
    seedDemo(db, config, systemClock).then(
      // Plain text, not a JSON log line: this is for the person who just typed npm start.
      (report) => process.stdout.write(`\n${report.lines.join('\n')}\n\n`),
      (error) => app.log.error({ err: error }, 'demo data failed'),
    );
  }
}

main().catch((error) => {
  process.stderr.write(`Passerelle s'est arrêtée sur une erreur inattendue : ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
