/**
 * A person's page in the support module: their sessions over time and their autonomy
 * progression per theme. The record itself is opened through the people module (its policy:
 * helpers of the structures that follow the person; the opening is access-journaled there).
 * Notes never appear here: they are private to the helper who wrote them.
 */
import type { Actor } from '../../platform/auth/actor.ts';
import { authorize } from '../../platform/auth/policy.ts';
import { placeSummaries } from '../lieux/index.ts';
import { type PeopleDeps, type PersonView, viewPerson } from '../people/index.ts';
import { AUTONOMY, labelOf, SELF_ASSESSMENT, THEMES } from './data.ts';
import { supportPolicy } from './policies.ts';
import type { SupportPorts, VoucherUsedByPerson } from './record-session.ts';
import { sessionsOfPerson } from './sessions-repository.ts';
import { mandateLabelsOf } from './view-sessions.ts';

export interface ProgressPoint {
  date: string;
  /** 0 (fait pour) … 3 (autonome), null when not rated. */
  level: number | null;
  levelLabel: string;
  selfAssessment: string;
}

export interface ThemeProgress {
  theme: string;
  label: string;
  points: ProgressPoint[];
  reachedAutonomyAt: number | null;
}

export interface PersonSupportView {
  person: PersonView;
  sessions: Array<{
    date: string;
    kind: string;
    themes: string;
    durationMinutes: number;
    where: string;
    /** « Mandat utilisé » (initials), for sessions of the actor's own structures only. */
    mandate: string | null;
  }>;
  months: Array<{ month: string; count: number }>;
  progress: ThemeProgress[];
  /** Pass numérique vouchers used with the booklets handed to the person; null when the Pass is not wired. */
  vouchers: VoucherUsedByPerson[] | null;
}

export async function personSupportView(
  deps: PeopleDeps,
  actor: Actor | undefined,
  personId: string,
  ports: Pick<SupportPorts, 'vouchersUsedByPerson' | 'mandateLabels'> = {},
): Promise<PersonSupportView> {
  authorize(actor, supportPolicy.viewOwnSessions, null);
  const person = await viewPerson(deps, actor, personId);
  const rows = await sessionsOfPerson(deps.db, person.id);
  const vouchers = ports.vouchersUsedByPerson ? await ports.vouchersUsedByPerson(actor, person.id) : null;
  const places = await placeSummaries(
    deps.db,
    rows.flatMap((r) => (r.placeId ? [r.placeId] : [])),
  );
  const mandates = await mandateLabelsOf({ db: deps.db, clock: deps.clock, ...ports }, actor, rows);
  const byMonth = new Map<string, number>();
  for (const r of rows) byMonth.set(r.sessionDate.slice(0, 7), (byMonth.get(r.sessionDate.slice(0, 7)) ?? 0) + 1);
  const progress: ThemeProgress[] = [];
  for (const theme of THEMES) {
    const on = rows.filter((r) => r.kind === 'individuel' && r.themes.includes(theme.key));
    if (on.length === 0) continue;
    const points = on.map((r) => {
      const index = AUTONOMY.findIndex((a) => a.key === r.autonomy);
      return {
        date: r.sessionDate,
        level: index >= 0 ? index : null,
        levelLabel: labelOf(AUTONOMY, r.autonomy) || 'Non évalué',
        selfAssessment: labelOf(SELF_ASSESSMENT, r.selfAssessment) || '—',
      };
    });
    const first = points.findIndex((p) => p.level === 3);
    progress.push({ theme: theme.key, label: theme.label, points, reachedAutonomyAt: first >= 0 ? first + 1 : null });
  }
  return {
    person,
    sessions: rows.map((r) => ({
      date: r.sessionDate,
      kind: r.kind === 'atelier' ? `Atelier : ${r.workshopTitle ?? ''}` : 'Individuel',
      themes: r.themes.map((t) => labelOf(THEMES, t)).join(', '),
      durationMinutes: r.durationMinutes,
      where: r.placeId ? (places.get(r.placeId)?.nom ?? '') : '',
      mandate: r.mandateId ? (mandates.get(r.mandateId) ?? null) : null,
    })),
    months: [...byMonth.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([month, count]) => ({ month, count })),
    progress,
    vouchers,
  };
}
