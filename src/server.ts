/**
 * Process entry: configuration, database, demo data on a first start, HTTP server, graceful
 * shutdown. Every failure a newcomer can meet ends with one clear line and a non-zero exit.
 * `npm start` runs it compiled (dist/server.js, see scripts/start.js). Whatever takes time
 * is announced before it starts, and « prête » is printed once everything is there.
 */
import { buildApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { seedDemo, shouldSeedDemoOnStart } from './demo.ts';
import { systemClock } from './platform/clock.ts';
import type { Database } from './platform/db/database.ts';
import { DatabaseUnavailableError, openDatabase } from './platform/db/open-database.ts';
import { DatabaseBusyError } from './platform/db/process-lock.ts';
import { setJournalKey } from './platform/journal/journal.ts';

/** Plain lines for the person who typed npm start (logs proper are JSON lines). */
function say(line: string) {
  process.stdout.write(`${line}\n`);
}

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
  // Journal rows are keyed by the secret (ADR 0017): set before anything writes, the demo data included.
  setJournalKey(config.secretKey);

  let db: Database;
  try {
    db = await openDatabase(config, { progress: say });
  } catch (error) {
    if (error instanceof DatabaseUnavailableError || error instanceof DatabaseBusyError) fail(error.message);
    throw error;
  }

  // Demo data before listening: nobody is sent to an address whose pages are still empty.
  let demoLines: string[] = [];
  if (await shouldSeedDemoOnStart(db, config)) {
    try {
      demoLines = (await seedDemo(db, config, systemClock, say)).lines;
    } catch (error) {
      // Demo data is a convenience: the server still starts, and says what went wrong.
      demoLines = [
        `Les données de démonstration n'ont pas pu être créées entièrement : ${(error as Error).message}`,
        'Relancez-les avec « npx passerelle demo » une fois le problème corrigé (serveur arrêté).',
      ];
    }
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
  if (demoLines.length > 0) say(`\n${demoLines.join('\n')}\n`);
  // Development only (no SMTP): where the e-mails go. Said here, not in the public footer.
  if (config.env !== 'production' && !config.smtpUrl) {
    say(`Les e-mails ne partent pas (pas de SMTP_URL) : lisez-les dans ${config.publicUrl}/dev/boite-mail`);
  }
  say(
    `Passerelle ${config.version} est prête : ${config.publicUrl} (base ${db.engine === 'pglite' ? `embarquée dans ${config.dataDir}` : 'PostgreSQL'}). Ctrl+C pour arrêter.`,
  );
}

main().catch((error) => {
  process.stderr.write(`Passerelle s'est arrêtée sur une erreur inattendue : ${(error as Error).stack ?? error}\n`);
  process.exit(1);
});
