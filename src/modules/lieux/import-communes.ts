/** Loads the official postcode base into the gazetteer (replacing it), in one transaction. */
import { type Actor, accountIdOf } from '../../platform/auth/actor.ts';
import { authorize } from '../../platform/auth/policy.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import { appendJournal } from '../../platform/journal/journal.ts';
import { replaceCommunes } from './gazetteer/communes-repository.ts';
import { readLaPosteFile } from './gazetteer/read-laposte.ts';
import { ImportFileError } from './import-places.ts';
import { recordImport } from './places-repository.ts';
import { lieuxPolicy } from './policies.ts';

export interface CommunesReport {
  fileName: string;
  lines: number;
  communes: number;
  postcodes: number;
  withoutCoordinates: number;
  merged: number;
  rejected: Array<{ line: number; reason: string }>;
}

export async function importCommunes(
  deps: { db: Database; clock: Clock },
  actor: Actor | undefined,
  bytes: Buffer,
  fileName: string,
): Promise<CommunesReport> {
  authorize(actor, lieuxPolicy.importPlaces, null);
  const startedAt = deps.clock();
  const file = readLaPosteFile(bytes);
  if (!file.ok) throw new ImportFileError(file.error);
  const report: CommunesReport = {
    fileName,
    lines: file.rows.length + file.rejected.length + file.merged,
    communes: new Set(file.rows.map((r) => r.code_insee)).size,
    postcodes: new Set(file.rows.map((r) => r.code_postal)).size,
    withoutCoordinates: file.withoutCoordinates,
    merged: file.merged,
    rejected: file.rejected,
  };
  await deps.db.transaction(async (tx) => {
    await replaceCommunes(tx, file.rows);
    const { rejected, ...summary } = report;
    const id = await recordImport(tx, {
      kind: 'communes',
      fileName,
      actorUserId: accountIdOf(actor),
      startedAt,
      finishedAt: deps.clock(),
      dryRun: false,
      summary: { ...summary, rejectedCount: rejected.length },
      report: { rejected: rejected.slice(0, 200) },
    });
    await appendJournal(tx, deps.clock, {
      action: 'lieux.import_communes',
      actorUserId: accountIdOf(actor),
      targetType: 'import',
      targetId: id,
      details: { communes: report.communes, lignes: report.lines },
    });
  });
  return report;
}
