/**
 * Open places in the standard's format, as CSV (validates against the schema) or JSON, a
 * batch at a time so that any number of places streams without filling memory.
 */
import type { Queryable } from '../../platform/db/database.ts';
import { csvRows } from '../../platform/print/index.ts';
import { exportBatch } from './places-repository.ts';
import { FIELDS, toStandardJson, toStandardRow } from './standard.ts';

export type ExportFormat = 'csv' | 'json';

export async function* exportPlaces(db: Queryable, format: ExportFormat, batchSize = 2000): AsyncGenerator<string> {
  let after: string | null = null;
  let first = true;
  if (format === 'csv') yield csvRows([FIELDS]);
  else yield '[';
  for (;;) {
    const batch = await exportBatch(db, after, batchSize);
    if (batch.length === 0) break;
    if (format === 'csv') {
      // Valid values are kept exactly: inputs refuse active formulas, so only older text that
      // would act in a spreadsheet gets an apostrophe (ADR 0016).
      yield csvRows(
        batch.map((p) => FIELDS.map((f) => toStandardRow(p)[f])),
        { neutralise: 'active-formula' },
      );
    } else {
      const items = batch.map((p) => JSON.stringify(toStandardJson(p)));
      yield `${first ? '\n' : ',\n'}${items.join(',\n')}`;
      first = false;
    }
    after = (batch[batch.length - 1] as { id: string }).id;
  }
  if (format === 'json') yield '\n]\n';
}
