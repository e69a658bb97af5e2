/**
 * Territory and national figures are pre-computed (ADR 0020): every hour a schedule enqueues
 * one job per scope (the country and each département with sessions), each of which computes
 * the figures and keeps them as a snapshot. Pages and the open-data API read the snapshot and
 * say when it was computed (« données du … à … h »); a scope without one yet is computed live.
 */
import type { Clock } from '../../platform/clock.ts';
import type { Queryable } from '../../platform/db/database.ts';
import { enqueue, type JobRunner } from '../../platform/jobs/jobs.ts';
import { departementsWithSessions, readSnapshot, writeSnapshot } from './sessions-repository.ts';
import { computeStatistics, type StatisticsFilter, type StatisticsModel } from './statistics.ts';

export const NATIONAL = 'national';
export const departementScope = (code: string) => `departement:${code}`;

function filterOf(scope: string): StatisticsFilter | undefined {
  if (scope === NATIONAL) return { kind: 'national' };
  const m = /^departement:([0-9AB]{2,3})$/.exec(scope);
  return m ? { kind: 'territory', departements: [m[1] as string], communes: [] } : undefined;
}

export async function refreshSnapshot(tx: Queryable, clock: Clock, scope: string): Promise<void> {
  const filter = filterOf(scope);
  if (!filter) return;
  const model = await computeStatistics(tx, filter, clock());
  await writeSnapshot(tx, scope, model, clock());
}

/** Enqueues the refresh of every scope (one job each, deduplicated per hour). */
export async function enqueueRefreshes(tx: Queryable, clock: Clock): Promise<number> {
  const hour = Math.floor(clock().getTime() / 3600_000);
  const scopes = [NATIONAL, ...(await departementsWithSessions(tx)).map(departementScope)];
  for (const scope of scopes) {
    await enqueue(tx, clock, 'support.refresh-statistics', { scope }, { dedupeKey: `support-stats:${scope}:${hour}` });
  }
  return scopes.length;
}

export function registerStatisticsJobs(jobs: JobRunner): void {
  jobs.registerJob<{ scope: string }>(
    'support.refresh-statistics',
    async ({ tx, clock, payload }) => {
      await refreshSnapshot(tx, clock, payload.scope);
    },
    { maxAttempts: 3 },
  );
  jobs.schedule('support.find-statistics-to-refresh', { every: 3600_000 }, async ({ tx, clock }) => {
    await enqueueRefreshes(tx, clock);
  });
}

export interface ScopedStatistics {
  model: StatisticsModel;
  /** When the snapshot was computed; null when computed for this request. */
  snapshotAt: Date | null;
}

/** The figures of a scope that has snapshots (the country, a département), else computed now. */
export async function snapshotOrLive(db: Queryable, clock: Clock, scope: string): Promise<ScopedStatistics> {
  const snap = await readSnapshot(db, scope);
  if (snap) return { model: snap.payload as StatisticsModel, snapshotAt: snap.computedAt };
  const filter = filterOf(scope);
  if (!filter) throw new Error(`unknown statistics scope ${scope}`);
  return { model: await computeStatistics(db, filter, clock()), snapshotAt: null };
}
