/** Commands contributed by modules (import, export…), registered next to the platform's. */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  exportPlaces,
  type ImportReport,
  importCommunes,
  importPlaces,
  type ReasonCount,
} from '../modules/lieux/index.ts';
import { commandLineActor } from '../platform/auth/actor.ts';
import { systemClock } from '../platform/clock.ts';
import type { CliContext, Command } from './main.ts';

function readInput(file: string | undefined, err: (l: string) => void): Buffer | undefined {
  if (!file) {
    err('Indiquez le fichier à importer.');
    return undefined;
  }
  try {
    return readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    err(
      code === 'ENOENT'
        ? `Fichier introuvable : ${file}`
        : code === 'EISDIR'
          ? `${file} est un dossier, pas un fichier.`
          : `Impossible de lire ${file} (${code ?? (error as Error).message}).`,
    );
    return undefined;
  }
}

export function printPlacesReport(report: ImportReport, out: (l: string) => void) {
  const s = report.summary;
  out(
    `Fichier : ${report.fileName} (${report.format.toUpperCase()}, ${report.encoding}${report.separator ? `, séparateur « ${report.separator} »` : ''})`,
  );
  out(report.dryRun ? 'Simulation (--dry-run) : rien n’a été enregistré.' : `Import enregistré (${report.importId}).`);
  out(`Lignes lues           : ${s.rows}`);
  out(`  créés               : ${s.created}`);
  out(`  mis à jour          : ${s.updated}`);
  out(`  inchangés           : ${s.unchanged}`);
  out(`  gardés (plus récents ici) : ${s.keptNewer}`);
  out(`  rejetés             : ${s.rejected}`);
  out(`  corrigés            : ${s.corrected} (valeurs normalisées, voir ci-dessous)`);
  out(`  placés à la commune : ${s.approximated} (sans coordonnées)`);
  out(`  non localisés       : ${s.unlocated}`);
  out(`  INSEE déduits       : ${s.inseeDerived} (du code postal et de la commune)`);
  out(`  coordonnées loin    : ${s.farCoordinates} (de la commune indiquée, voir ci-dessous)`);
  out(`  doublons possibles  : ${s.possibleDuplicates} (même nom et adresse, gardés)`);
  for (const w of report.warnings) out(`Attention : ${w}`);
  if (report.renamedColumns.length > 0) {
    out(`Colonnes renommées : ${report.renamedColumns.map((r) => `${r.from} → ${r.to}`).join(', ')}`);
  }
  if (report.unknownColumns.length > 0) out(`Colonnes ignorées (hors standard) : ${report.unknownColumns.join(', ')}`);
  if (report.rejectionReasons.length > 0) {
    out('Motifs de rejet :');
    for (const r of report.rejectionReasons.slice(0, 15)) out(reasonLine(r));
    out('Lignes rejetées :');
    for (const r of report.rejections.slice(0, 30)) {
      out(
        `  ligne ${r.line}${r.id ? ` (${r.id})` : ''} : ${r.issues.map((i) => `${i.field} — ${i.message}`).join(' ; ')}`,
      );
    }
    if (report.rejections.length > 30)
      out(`  … et ${s.rejected - 30} autres (option --rapport pour tout enregistrer).`);
  }
  if (report.farCoordinates.length > 0) {
    out('Coordonnées loin de la commune indiquée :');
    for (const f of report.farCoordinates.slice(0, 30)) {
      out(
        `  ligne ${f.line} (${f.id}) « ${f.nom} » : à ${f.distanceKm} km de ${f.commune} — ${f.placedAtCommune ? 'placé à sa commune' : 'gardées, à vérifier (option --placer-a-la-commune)'}`,
      );
    }
  }
  if (report.possibleDuplicates.length > 0) {
    out('Doublons possibles (gardés) :');
    for (const d of report.possibleDuplicates.slice(0, 30)) {
      out(`  « ${d.nom} », ${d.adresse} : ${d.rows.map((r) => `ligne ${r.line} (${r.id})`).join(', ')}`);
    }
  }
  if (report.correctionReasons.length > 0) {
    out('Corrections appliquées :');
    for (const r of report.correctionReasons.slice(0, 15)) out(reasonLine(r));
  }
}

/** « 353 × field : reason », and its most frequent exact case when values were left out. */
function reasonLine(r: ReasonCount): string {
  const line = `  ${String(r.count).padStart(6)} × ${r.reason}`;
  if (!r.example) return line;
  return `${line}\n           le plus fréquent (${r.example.count} fois) : ${r.example.message}`;
}

async function importLieux(ctx: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: ctx.args,
    allowPositionals: true,
    options: {
      'dry-run': { type: 'boolean' },
      rapport: { type: 'string' },
      'placer-a-la-commune': { type: 'boolean' },
    },
  });
  const file = positionals[0];
  const bytes = readInput(file, ctx.err);
  if (!bytes) return 2;
  const report = await importPlaces({ db: ctx.db, clock: systemClock }, commandLineActor, bytes, {
    fileName: path.basename(file as string),
    dryRun: values['dry-run'] === true,
    placeFarAtCommune: values['placer-a-la-commune'] === true,
    onProgress: (phase, done, total) => ctx.progress(`${phase} : ${done}/${total}`),
  });
  ctx.progress('');
  printPlacesReport(report, ctx.out);
  if (values.rapport) {
    writeFileSync(values.rapport, JSON.stringify(report, null, 2));
    ctx.out(`Rapport complet écrit dans ${values.rapport}`);
  }
  return 0;
}

async function importCommunesCommand(ctx: CliContext): Promise<number> {
  const { positionals } = parseArgs({ args: ctx.args, allowPositionals: true, options: {} });
  const file = positionals[0];
  const bytes = readInput(file, ctx.err);
  if (!bytes) return 2;
  ctx.progress('import des communes…');
  const report = await importCommunes(
    { db: ctx.db, clock: systemClock },
    commandLineActor,
    bytes,
    path.basename(file as string),
  );
  ctx.progress('');
  ctx.out(
    `Référentiel des communes remplacé : ${report.communes} communes, ${report.postcodes} codes postaux, ${report.lines} lignes lues.`,
  );
  ctx.out(`Lignes sans coordonnées : ${report.withoutCoordinates} (la commune est connue mais pas sa position).`);
  if (report.merged > 0)
    ctx.out(`Lignes répétées regroupées : ${report.merged} (même commune, code postal et localité).`);
  if (report.rejected.length > 0) {
    ctx.out(`Lignes rejetées : ${report.rejected.length}`);
    for (const r of report.rejected.slice(0, 20)) ctx.out(`  ligne ${r.line} : ${r.reason}`);
  }
  return 0;
}

async function exportLieux(ctx: CliContext): Promise<number> {
  const { values } = parseArgs({ args: ctx.args, options: { format: { type: 'string', default: 'csv' } } });
  if (values.format !== 'csv' && values.format !== 'json') {
    ctx.err('Format inconnu : choisissez --format csv ou --format json.');
    return 2;
  }
  for await (const chunk of exportPlaces(ctx.db, values.format)) {
    if (!process.stdout.write(chunk)) await new Promise((resolve) => process.stdout.once('drain', resolve));
  }
  return 0;
}

export const cliCommands: Record<string, Command> = {
  'import lieux': {
    usage: 'import lieux <fichier.csv|fichier.json> [--dry-run] [--rapport rapport.json] [--placer-a-la-commune]',
    summary: 'importe des lieux au format du standard national et affiche le rapport',
    run: importLieux,
  },
  'import communes': {
    usage: 'import communes <laposte_hexasmal.csv>',
    summary: 'charge la base officielle des codes postaux (référentiel des communes)',
    run: importCommunesCommand,
  },
  'export lieux': {
    usage: 'export lieux [--format csv|json]',
    summary: 'exporte les lieux ouverts au format du standard, sur la sortie standard',
    run: exportLieux,
  },
};
