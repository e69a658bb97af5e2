/**
 * Read models of the helper's screens: what the form offers (structures, their places, the
 * durations, nearby places to orient to, the remembered choices) and the list of one's own
 * sessions. Behind the policies; plain objects only.
 */
import type { Actor } from '../../platform/auth/actor.ts';
import { authorize } from '../../platform/auth/policy.ts';
import { addDays, parisDate, parisToday } from '../../platform/print/index.ts';
import { nearbyPlaces, placeSummaries, placesOfOrganisation } from '../lieux/index.ts';
import { AUTONOMY, labelOf, PLACE_KINDS, SUGGESTED_DURATIONS, THEMES } from './data.ts';
import { ADAPTIVE_DURATION_USES, EDIT_WINDOW_DAYS, MAX_DURATION_CHOICES, type SupportDeps } from './deps.ts';
import { helpingOrganisations, supportPolicy } from './policies.ts';
import type { SupportPorts } from './record-session.ts';
import {
  countSessionsOfHelper,
  findDefaults,
  frequentDurations,
  type HelperDefaults,
  type SessionRow,
  sessionsOfHelper,
} from './sessions-repository.ts';

export interface PlaceChoice {
  id: string;
  label: string;
}

export interface FormOptions {
  organisations: Array<{ id: string; name: string; places: PlaceChoice[] }>;
  organisationId: string;
  durations: number[];
  defaults: HelperDefaults;
  /** Places near the structure, to name where the person is oriented. */
  orientationPlaces: PlaceChoice[];
  today: string;
}

/** Suggested durations plus those this helper used more than 5 times, at most 10, sorted. */
export function offeredDurations(frequent: readonly number[]): number[] {
  const extra = frequent.filter((d) => !SUGGESTED_DURATIONS.includes(d));
  const room = Math.max(0, MAX_DURATION_CHOICES - SUGGESTED_DURATIONS.length);
  return [...SUGGESTED_DURATIONS, ...extra.slice(0, room)].sort((a, b) => a - b);
}

export async function sessionFormOptions(
  deps: SupportDeps,
  actor: Actor | undefined,
  wantedOrganisationId?: string,
): Promise<FormOptions> {
  authorize(actor, supportPolicy.viewOwnSessions, null);
  const orgs = helpingOrganisations(actor);
  const organisations = await Promise.all(
    orgs.map(async (o) => ({
      ...o,
      places: (await placesOfOrganisation(deps.db, o.id))
        .filter((p) => p.status === 'open')
        .map((p) => ({ id: p.id, label: `${p.nom} (${p.commune})` })),
    })),
  );
  const chosen = organisations.find((o) => o.id === wantedOrganisationId) ?? organisations[0];
  const organisationId = chosen?.id ?? '';
  const [frequent, defaults] = await Promise.all([
    frequentDurations(deps.db, actor.userId, ADAPTIVE_DURATION_USES),
    organisationId ? findDefaults(deps.db, actor.userId, organisationId) : Promise.resolve({}),
  ]);
  let orientationPlaces: PlaceChoice[] = [];
  const home = chosen ? (await placesOfOrganisation(deps.db, chosen.id)).find((p) => p.geo_lat !== null) : undefined;
  if (home && home.geo_lat !== null && home.geo_lon !== null) {
    const near = await nearbyPlaces(
      deps.db,
      { latitude: home.geo_lat, longitude: home.geo_lon },
      { radiusKm: 20, limit: 40 },
    );
    orientationPlaces = near
      .filter((p) => p.organisationId !== organisationId)
      .map((p) => ({ id: p.id, label: `${p.nom} (${p.commune})` }));
  }
  return {
    organisations,
    organisationId,
    durations: offeredDurations(frequent),
    defaults,
    orientationPlaces,
    today: parisToday(deps.clock),
  };
}

export interface SessionListItem {
  id: string;
  date: string;
  kind: 'individuel' | 'atelier';
  summary: string;
  durationMinutes: number;
  where: string;
  autonomy: string;
  participants: number;
  /** « Mandat utilisé » (initials of the usager), for the structure's own helpers only. */
  mandate: string | null;
  /** Until when it may still be changed (Paris date), or null once the 7 days are over. */
  changeableUntil: string | null;
}

export interface SessionList {
  items: SessionListItem[];
  total: number;
  page: number;
  pages: number;
}

const PAGE_SIZE = 30;

/**
 * The labels of the mandates the sessions name, for sessions of structures where the actor
 * helps only (another structure's mandate is never shown). Empty when mandates are not wired.
 */
export async function mandateLabelsOf(
  deps: SupportDeps & Pick<SupportPorts, 'mandateLabels'>,
  actor: Actor,
  rows: ReadonlyArray<Pick<SessionRow, 'organisationId' | 'mandateId'>>,
): Promise<Map<string, string>> {
  const labels = new Map<string, string>();
  if (!deps.mandateLabels) return labels;
  const mine = new Set(helpingOrganisations(actor).map((o) => o.id));
  const byOrganisation = new Map<string, string[]>();
  for (const r of rows) {
    if (r.mandateId && mine.has(r.organisationId)) {
      byOrganisation.set(r.organisationId, [...(byOrganisation.get(r.organisationId) ?? []), r.mandateId]);
    }
  }
  for (const [organisationId, ids] of byOrganisation) {
    for (const [id, label] of await deps.mandateLabels(deps.db, { organisationId, ids })) labels.set(id, label);
  }
  return labels;
}

export async function listOwnSessions(
  deps: SupportDeps & Pick<SupportPorts, 'mandateLabels'>,
  actor: Actor | undefined,
  options: { page: number },
): Promise<SessionList> {
  authorize(actor, supportPolicy.viewOwnSessions, null);
  const total = await countSessionsOfHelper(deps.db, actor.userId);
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const page = Math.min(Math.max(1, options.page), pages);
  const rows = await sessionsOfHelper(deps.db, actor.userId, { limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE });
  const places = await placeSummaries(
    deps.db,
    rows.flatMap((r) => (r.placeId ? [r.placeId] : [])),
  );
  const mandates = await mandateLabelsOf(deps, actor, rows);
  const now = deps.clock();
  return {
    total,
    page,
    pages,
    items: rows.map((r) => listItem(r, places, mandates, now)),
  };
}

function listItem(
  r: SessionRow,
  places: Map<string, { nom: string }>,
  mandates: Map<string, string>,
  now: Date,
): SessionListItem {
  const limit = new Date(r.createdAt.getTime() + EDIT_WINDOW_DAYS * 86_400_000);
  return {
    id: r.id,
    date: r.sessionDate,
    kind: r.kind,
    summary:
      r.kind === 'atelier' && r.workshopTitle ? r.workshopTitle : r.themes.map((t) => labelOf(THEMES, t)).join(', '),
    durationMinutes: r.durationMinutes,
    where: r.placeId ? (places.get(r.placeId)?.nom ?? 'Lieu supprimé') : labelOf(PLACE_KINDS, r.placeKind),
    autonomy: labelOf(AUTONOMY, r.autonomy),
    participants: r.kind === 'atelier' ? r.anonymousTotal : 1,
    mandate: r.mandateId ? (mandates.get(r.mandateId) ?? null) : null,
    changeableUntil: now.getTime() <= limit.getTime() ? parisDate(limit) : null,
  };
}

/** The day after which a session recorded today can no longer be changed (for the form's hint). */
export function changeDeadline(today: string): string {
  return addDays(today, EDIT_WINDOW_DAYS);
}
