/** `passerelle database dump|restore`: backups of the embedded database, and the move to a server (ADR 0010). */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dumpEmbeddedDatabase, RestoreRefused, restoreSqlDump } from '../platform/db/backup.ts';
import { migrate } from '../platform/db/migrate.ts';
import type { PgliteDatabase } from '../platform/db/pglite.ts';
import type { Command } from './main.ts';

export const databaseCommands: Record<string, Command> = {
  'database dump': {
    usage: 'database dump FICHIER.sql',
    summary:
      'sauvegarde la base embarquée en un script SQL (serveur arrêté) ; avec PostgreSQL, utilisez pg_dump (voir le README)',
    noMigrate: true,
    async run({ db, config, args, out, err, progress }) {
      const file = args[0];
      if (!file || file.startsWith('-')) {
        err('Indiquez le fichier à écrire, par exemple : npx passerelle database dump sauvegarde.sql');
        return 2;
      }
      if (db.engine !== 'pglite') {
        err(
          'DATABASE_URL désigne un serveur PostgreSQL : sauvegardez-le avec pg_dump, par exemple\n' +
            '  pg_dump --format=custom --file=passerelle.dump "$DATABASE_URL"',
        );
        return 2;
      }
      progress('Sauvegarde en cours…');
      const started = Date.now();
      const sql = await dumpEmbeddedDatabase(db as PgliteDatabase);
      progress('');
      // Written beside, then renamed: an interrupted dump never leaves a truncated backup.
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, sql, { mode: 0o600 });
      renameSync(tmp, file);
      out(
        `Sauvegarde écrite : ${file} (${(Buffer.byteLength(sql) / 1e6).toFixed(1)} Mo, ${((Date.now() - started) / 1000).toFixed(1)} s) depuis ${config.dataDir}.`,
      );
      out('Elle contient des données personnelles : gardez-la chiffrée et à l’abri.');
      return 0;
    },
  },
  'database restore': {
    usage: 'database restore FICHIER.sql',
    summary:
      'restaure une sauvegarde SQL dans une base vide : la base embarquée (DATA_DIR neuf) ou PostgreSQL (DATABASE_URL)',
    noMigrate: true,
    async run({ db, args, out, err, progress }) {
      const file = args[0];
      if (!file || !existsSync(file)) {
        err(file ? `Fichier introuvable : ${file}` : 'Indiquez la sauvegarde à restaurer (un fichier .sql).');
        return 2;
      }
      const sql = readFileSync(file, 'utf8');
      if (/^COPY .* FROM stdin;$/m.test(sql)) {
        err(
          'Ce script utilise COPY … FROM stdin (pg_dump ordinaire) : restaurez-le avec psql -v ON_ERROR_STOP=1 --single-transaction -f FICHIER "$DATABASE_URL".',
        );
        return 2;
      }
      progress('Restauration en cours…');
      try {
        await restoreSqlDump(db, sql);
      } catch (error) {
        progress('');
        if (error instanceof RestoreRefused) {
          err(`Restauration refusée : ${error.message}`);
          return 1;
        }
        err(`Restauration impossible, rien n'a été écrit : ${(error as Error).message}`);
        return 1;
      }
      progress('');
      const applied = await migrate(db);
      out(`Sauvegarde restaurée dans la base ${db.engine === 'pglite' ? 'embarquée' : 'PostgreSQL'}.`);
      if (applied.length > 0) out(`Migrations appliquées ensuite : ${applied.join(', ')}`);
      return 0;
    },
  },
};
