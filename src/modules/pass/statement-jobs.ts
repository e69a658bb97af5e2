/**
 * The pass module's background work (ADR 0024): every hour, the statements that have become
 * due are found and one job per statement is enqueued; each draws its statement up in its own
 * transaction (a statement that fails is retried alone, the others are not held back).
 */
import type { JobRunner } from '../../platform/jobs/jobs.ts';
import { enqueue } from '../../platform/jobs/jobs.ts';
import { drawUpStatement, dueStatements, type StatementKey, statementJobKey } from './draw-up-statement.ts';

export const FIND_DUE_STATEMENTS = 'pass.find-due-statements';
export const DRAW_UP_STATEMENT = 'pass.draw-up-statement';

export function registerStatementJobs(jobs: JobRunner): void {
  jobs.registerJob<StatementKey>(DRAW_UP_STATEMENT, async ({ tx, clock, payload }) => {
    await drawUpStatement(tx, clock, payload);
  });
  jobs.schedule(FIND_DUE_STATEMENTS, { every: 3600_000 }, async ({ tx, clock }) => {
    for (const key of await dueStatements(tx, clock())) {
      await enqueue(tx, clock, DRAW_UP_STATEMENT, { ...key }, { dedupeKey: statementJobKey(key) });
    }
  });
}
