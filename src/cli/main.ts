/**
 * The `passerelle` command: thin wrappers over module use cases and platform services.
 * Each command opens the database (embedded or DATABASE_URL), does its work, closes it.
 */
import { parseArgs } from 'node:util';
import { buildApp } from '../app.ts';
import { type Config, ConfigError, loadConfig } from '../config.ts';
import { seedDemo } from '../demo.ts';
import { createAdministrator } from '../modules/accounts/index.ts';
import { systemClock } from '../platform/clock.ts';
import type { Database } from '../platform/db/database.ts';
import { migrate } from '../platform/db/migrate.ts';
import { DatabaseUnavailableError, openDatabase } from '../platform/db/open-database.ts';
import { DatabaseBusyError } from '../platform/db/process-lock.ts';
import { AppError } from '../platform/http/errors.ts';
import { setJournalKey, verifyJournal } from '../platform/journal/journal.ts';
import { databaseCommands } from './database-commands.ts';
import { identityCommands } from './identity-commands.ts';
import { cliCommands as moduleCommands } from './module-commands.ts';

export interface CliContext {
  config: Config;
  db: Database;
  args: string[];
  out: (line: string) => void;
  err: (line: string) => void;
  /** Progress on one line of the terminal (stderr), cleared at the end. */
  progress: (text: string) => void;
}

export type Command = {
  usage: string;
  summary: string;
  run: (ctx: CliContext) => Promise<number>;
  /** Commands that migrate themselves or need no schema. */
  noMigrate?: boolean;
};

const commands: Record<string, Command> = {
  migrate: {
    usage: 'migrate',
    summary: 'applique les migrations de la base de données en attente',
    noMigrate: true,
    async run({ db, out }) {
      const applied = await migrate(db);
      out(applied.length === 0 ? 'La base est à jour.' : `Migrations appliquées : ${applied.join(', ')}`);
      return 0;
    },
  },
  'users create': {
    usage: 'users create --email adresse@exemple.fr --role admin [--name "Prénom Nom"]',
    summary: 'crée le premier administrateur (ou promeut un compte existant)',
    async run({ db, config, args, out, err }) {
      const { values } = parseArgs({
        args,
        options: { email: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' } },
      });
      if (values.role !== 'admin') {
        err(
          'Seul le rôle « admin » se crée en ligne de commande (--role admin). Les autres rôles passent par une invitation.',
        );
        return 2;
      }
      const result = await createAdministrator(
        {
          db,
          clock: systemClock,
          secretKey: config.secretKey,
          operatorName: config.operatorName,
          publicUrl: config.publicUrl,
        },
        { email: values.email, displayName: values.name },
      );
      out(
        result.created
          ? `Administrateur créé : ${values.email}`
          : `Compte existant promu administrateur : ${values.email}`,
      );
      out('Pour choisir le mot de passe, ouvrez ce lien (valable 24 heures, une seule fois) :');
      out(result.passwordLink);
      out('La double authentification sera demandée à la première connexion.');
      return 0;
    },
  },
  'journal verify': {
    usage: 'journal verify',
    summary: "vérifie que le journal d'audit n'a pas été altéré",
    async run({ db, out, err, progress }) {
      const result = await verifyJournal(db, (n) => progress(`${n} lignes vérifiées…`));
      progress('');
      if (result.ok) {
        out(`Journal intact : ${result.checked} lignes vérifiées dans ${result.streams} flux.`);
        return 0;
      }
      err(`Journal ALTÉRÉ — ${result.problem?.reason}.`);
      err(`${result.checked} lignes vérifiées avant le problème.`);
      return 1;
    },
  },
  purge: {
    usage: 'purge',
    summary: 'supprime les données arrivées au bout de leur durée de conservation (chaque module déclare les siennes)',
    async run({ db, config, out }) {
      // The purges are those the platform and the modules register while the app is built.
      const app = await buildApp({ config, db, logger: false, outboxPollMs: 0, jobsPollMs: 0 });
      try {
        out('Supprimés :');
        for (const r of await app.jobs.runPurges()) out(`  ${r.deleted} — ${r.description}`);
      } finally {
        await app.close();
      }
      return 0;
    },
  },
  demo: {
    usage: 'demo',
    summary: 'crée les structures et comptes de démonstration (jamais en production)',
    async run({ db, config, out }) {
      const report = await seedDemo(db, config, systemClock);
      for (const line of report.lines) out(line);
      return report.created || report.lines[0]?.includes('existent déjà') ? 0 : 1;
    },
  },
  ...databaseCommands,
  ...identityCommands,
  ...moduleCommands,
};

function help(out: (l: string) => void) {
  out('Utilisation : passerelle <commande> [options]');
  out('');
  for (const c of Object.values(commands)) out(`  ${c.usage}\n      ${c.summary}`);
  out('');
  out("La base utilisée est celle de DATABASE_URL, ou la base embarquée sous ./var s'il n'y en a pas.");
}

export async function runCli(argv: string[], io = { out: console.log, err: console.error }): Promise<number> {
  const { out, err } = io;
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    help(out);
    return argv.length === 0 ? 2 : 0;
  }
  const name = argv.length > 1 && commands[`${argv[0]} ${argv[1]}`] ? `${argv[0]} ${argv[1]}` : (argv[0] as string);
  const command = commands[name];
  if (!command) {
    err(`Commande inconnue : ${argv.join(' ')}`);
    help(err);
    return 2;
  }
  const args = argv.slice(name.split(' ').length);
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      err(error.message);
      return 2;
    }
    throw error;
  }
  // The journal's hashes are keyed with the server's SECRET_KEY (same configuration).
  setJournalKey(config.secretKey);
  let db: Database;
  try {
    db = await openDatabase(config, { migrate: !command.noMigrate });
  } catch (error) {
    if (error instanceof DatabaseUnavailableError || error instanceof DatabaseBusyError) {
      err(error.message);
      return 3;
    }
    throw error;
  }
  const tty = process.stderr.isTTY;
  const progress = (text: string) => {
    if (tty) process.stderr.write(`\r\x1b[K${text}`);
  };
  try {
    return await command.run({ config, db, args, out, err, progress });
  } catch (error) {
    if (error instanceof AppError) {
      err(error.userMessage);
      for (const [k, v] of Object.entries(error.fieldErrors)) err(`  ${k} : ${v}`);
      return 1;
    }
    if ((error as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      err(`${(error as Error).message}\nUtilisation : passerelle ${command.usage}`);
      return 2;
    }
    throw error;
  } finally {
    await db.close();
  }
}

const isMain = process.argv[1] && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'));
if (isMain) {
  runCli(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      console.error(`Erreur inattendue : ${(error as Error).stack ?? error}`);
      process.exit(1);
    },
  );
}
