/**
 * Slips (fiches d'orientation): the result of a finished diagnostic, its anonymous public
 * summary, what a professional may add (destination place, note) and the loop back: the
 * receiving place honours the slip. Notes are purged when the slip expires (90 days).
 */
import { type Actor, accountIdOf } from '../../platform/auth/actor.ts';
import { authorize, can } from '../../platform/auth/policy.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Database, Queryable } from '../../platform/db/database.ts';
import { NotFoundError, RuleError, ValidationError } from '../../platform/http/errors.ts';
import { appendJournal } from '../../platform/journal/journal.ts';
import { type NearbyPlace, nearbyPlaceById, nearbyPlaces } from '../lieux/index.ts';
import { bringData, needsData } from './data.ts';
import { SESSION_IDLE_MS } from './diagnostic.ts';
import { CANDIDATES, FAR_KM, MIN_NEAR, RADIUS_KM, type RankedPlace, rankPlaces } from './match-places.ts';
import { orientationPolicy, type SlipRef } from './policies.ts';
import {
  deleteExpiredNotes,
  deleteIdleSessions,
  deleteNote,
  findNote,
  findSlip,
  markHonoured,
  type NoteRow,
  type SlipRow,
  setDestination,
  upsertNote,
} from './repository.ts';
import { slipCodes } from './slip-code.ts';

export interface SlipDeps {
  db: Database;
  clock: Clock;
  /** Places accepting the Pass numérique (provided by app.ts from the pass module). */
  passPlaceIds?: (() => Promise<string[]>) | undefined;
  /** The places of results read this minute (see minutePlacesCache); none: read every time. */
  placesCache?: MinutePlacesCache | undefined;
}

export class SlipCodeError extends ValidationError {
  constructor(message: string) {
    super({ code: message }, message);
  }
}

/** A code as typed or read in a URL → canonical, or a French message saying what is wrong. */
export function parseSlipCode(input: string): string {
  const parsed = slipCodes.parse(input.slice(0, 40));
  if (!parsed.ok) throw new SlipCodeError(parsed.message);
  return parsed.code;
}

export async function loadSlip(db: Queryable, code: string): Promise<SlipRow> {
  const slip = await findSlip(db, code);
  if (!slip) throw new NotFoundError('Aucune fiche ne porte ce code. Vérifiez chaque caractère.');
  return slip;
}

export function isExpired(slip: Pick<SlipRow, 'expiresAt'>, now: Date): boolean {
  return slip.expiresAt.getTime() <= now.getTime();
}

/** What to bring for a procedure family: the items for everyone, then the family's. */
export function itemsToBring(procedure: string): string[] {
  return [...new Set([...bringData.toujours, ...(bringData.familles[procedure] ?? [])])];
}

export interface ResultPlaces {
  ranked: RankedPlace[];
  /** true: nothing within RADIUS_KM, the list holds the nearest within FAR_KM. */
  far: boolean;
  destination: NearbyPlace | undefined;
}

/**
 * The places of each slip's result read during the current minute, so that the pages a person
 * opens in a row — the result, its printable slip, the result in another language — read and
 * rank them once. Kept for the minute they were read in, then read again: a place changed
 * meanwhile shows at the next minute at the latest, as the Pass numérique places (read once a
 * minute, index.ts) and the opening state (hours-text.ts) already do. Keyed by the slip's code
 * and chosen place, so a professional's choice shows at once. At most `max` slips a minute.
 */
export interface MinutePlacesCache {
  get(key: string, minute: number, read: () => Promise<ResultPlaces>): Promise<ResultPlaces>;
}

export function minutePlacesCache(max = 2000): MinutePlacesCache {
  let current = Number.NaN;
  const entries = new Map<string, Promise<ResultPlaces>>();
  return {
    get(key, minute, read) {
      if (minute !== current) {
        entries.clear();
        current = minute;
      }
      let value = entries.get(key);
      if (!value) {
        value = read();
        // A failed read is not kept: the next page reads again.
        value.catch(() => entries.get(key) === value && entries.delete(key));
        if (entries.size >= max) entries.delete(entries.keys().next().value as string);
        entries.set(key, value);
      }
      return value;
    },
  };
}

/** The places of a result page: ranked nearest places, and the place a professional chose. */
export function placesForSlip(deps: SlipDeps, slip: SlipRow): Promise<ResultPlaces> {
  if (!deps.placesCache) return readPlacesForSlip(deps, slip);
  const minute = Math.floor(deps.clock().getTime() / 60_000);
  return deps.placesCache.get(`${slip.code}|${slip.destinationPlaceId ?? ''}`, minute, () =>
    readPlacesForSlip(deps, slip),
  );
}

async function readPlacesForSlip(deps: SlipDeps, slip: SlipRow): Promise<ResultPlaces> {
  const point = { latitude: slip.latitude, longitude: slip.longitude };
  const needs = needsData.needs.filter((n) => slip.needs.includes(n.id));
  const [near, passIds, destination] = await Promise.all([
    nearbyPlaces(deps.db, point, { radiusKm: RADIUS_KM, limit: CANDIDATES }),
    deps.passPlaceIds ? deps.passPlaceIds() : Promise.resolve([]),
    slip.destinationPlaceId ? nearbyPlaceById(deps.db, slip.destinationPlaceId, point) : Promise.resolve(undefined),
  ]);
  let candidates = near;
  let far = false;
  if (near.length < MIN_NEAR) {
    const wider = await nearbyPlaces(deps.db, point, { radiusKm: FAR_KM, limit: MIN_NEAR });
    if (wider.length > near.length) {
      candidates = wider;
      far = near.length === 0;
    }
  }
  return { ranked: rankPlaces(candidates, needs, new Set(passIds)), far, destination };
}

export interface PublicSummary {
  code: string;
  level: SlipRow['level'];
  needs: string[];
  procedure: string;
  deadline: string;
  createdAt: Date;
  expiresAt: Date;
  expired: boolean;
  honouredAt: Date | null;
  destinationName: string | null;
}

/** The anonymous summary anyone with the code may read: never a note, never the answers' details. */
export async function publicSummary(deps: SlipDeps, code: string): Promise<PublicSummary> {
  const slip = await loadSlip(deps.db, code);
  const destination = slip.destinationPlaceId ? await nearbyPlaceById(deps.db, slip.destinationPlaceId) : undefined;
  return {
    code: slip.code,
    level: slip.level,
    needs: slip.needs,
    procedure: slip.procedure,
    deadline: slip.deadline,
    createdAt: slip.createdAt,
    expiresAt: slip.expiresAt,
    expired: isExpired(slip, deps.clock()),
    honouredAt: slip.honouredAt,
    destinationName: destination?.nom ?? null,
  };
}

async function slipRef(db: Queryable, slip: SlipRow): Promise<SlipRef & { destination: NearbyPlace | undefined }> {
  const destination = slip.destinationPlaceId ? await nearbyPlaceById(db, slip.destinationPlaceId) : undefined;
  return {
    prescriberOrganisationId: slip.prescriberOrganisationId,
    destinationOrganisationId: destination?.organisationId ?? null,
    destination,
  };
}

export interface ProfessionalView {
  summary: PublicSummary;
  themes: string[];
  note: NoteRow | undefined;
  canOrient: boolean;
  /** Organisations of the actor that may honour this slip now. */
  honourAs: Array<{ id: string; name: string }>;
}

/** What a signed-in professional sees for a code: the summary, and the note if theirs to read. */
export async function professionalView(deps: SlipDeps, actor: Actor, code: string): Promise<ProfessionalView> {
  authorize(actor, orientationPolicy.lookUpSlips, null);
  const slip = await loadSlip(deps.db, code);
  const ref = await slipRef(deps.db, slip);
  const summary = await publicSummary(deps, code);
  const live = !summary.expired;
  const honourAs = live
    ? actor.memberships
        .filter((m) => can(actor, orientationPolicy.honourSlip, { slip: ref, organisationId: m.organisationId }))
        .map((m) => ({ id: m.organisationId, name: m.organisationName }))
        .filter((o, i, all) => all.findIndex((x) => x.id === o.id) === i)
    : [];
  return {
    summary,
    themes: slip.themes,
    note: can(actor, orientationPolicy.readSlipNote, ref) ? await findNote(deps.db, code) : undefined,
    canOrient: live && slip.honouredAt === null && can(actor, orientationPolicy.orientSlip, ref),
    honourAs,
  };
}

/**
 * The prescripteur chooses the place the person is sent to and may leave a note for it. The
 * slip then names that place. One transaction with its journal entry.
 */
export async function orientSlip(
  deps: SlipDeps,
  actor: Actor | undefined,
  code: string,
  input: { placeId: string | null; note: string },
): Promise<void> {
  const slip = await loadSlip(deps.db, code);
  authorize(actor, orientationPolicy.orientSlip, await slipRef(deps.db, slip));
  const note = input.note.replaceAll(String.fromCharCode(0), '').trim();
  if (note.length > 1000) throw new ValidationError({ note: 'La note fait au plus 1 000 caractères.' });
  if (input.placeId !== null && !(await nearbyPlaceById(deps.db, input.placeId))) {
    throw new ValidationError({
      lieu: "Ce lieu n'existe pas ou n'a pas d'adresse connue. Choisissez un lieu de la liste.",
    });
  }
  const now = deps.clock();
  if (isExpired(slip, now)) throw new RuleError('fiche_expiree', 'Cette fiche a expiré : rien n’a été changé.');
  if (slip.honouredAt) throw new RuleError('fiche_honoree', 'La personne est déjà venue : la fiche ne change plus.');
  await deps.db.transaction(async (tx) => {
    if (!(await setDestination(tx, { code, placeId: input.placeId, now }))) {
      throw new RuleError(
        'fiche_figee',
        'Cette fiche ne peut plus changer (expirée ou honorée) : rien n’a été changé.',
      );
    }
    if (note) {
      await upsertNote(tx, {
        code,
        organisationId: slip.prescriberOrganisationId as string,
        authorUserId: accountIdOf(actor),
        note,
        now,
      });
    } else {
      await deleteNote(tx, code);
    }
    await appendJournal(tx, deps.clock, {
      action: 'orientation.fiche_orientee',
      actorUserId: accountIdOf(actor),
      organisationId: slip.prescriberOrganisationId,
      targetType: 'fiche_orientation',
      targetId: code,
      details: { lieu: input.placeId, note: note.length > 0 },
    });
  });
}

export interface SlipPrefill {
  code: string;
  /** Support-session themes (thematiques-accompagnement.json keys). */
  themes: string[];
  /** Procedure family (demarches.json key), when the person named one. */
  procedure: string | null;
  level: SlipRow['level'];
}

export function prefillOf(slip: SlipRow): SlipPrefill {
  const families = Object.keys(bringData.familles).filter((k) => k !== 'apprendre' && k !== 'ne_sait_pas');
  return {
    code: slip.code,
    themes: slip.themes,
    procedure: families.includes(slip.procedure) ? slip.procedure : null,
    level: slip.level,
  };
}

/** The address of the form recording a support session, pre-filled from a slip. */
export function sessionFormUrl(prefill: SlipPrefill): string {
  const params = new URLSearchParams({ fiche: slipCodes.format(prefill.code) });
  for (const t of prefill.themes) params.append('thematiques', t);
  if (prefill.procedure) params.set('demarche', prefill.procedure);
  return `/accompagnements/nouveau?${params.toString()}`;
}

export type HonourOutcome = SlipPrefill & {
  /** The needs the diagnostic found (besoins.json ids, worded by i18n `besoin.<id>`). */
  needs: string[];
  alreadyHonoured: boolean;
  honouredAt: Date;
};

export interface HonourInput {
  /** As typed or read (« KPXA-V784 », « kpxav784 »…): checked and made canonical here. */
  code: string;
  /** The receiving organisation, where the actor welcomes people. */
  organisationId: string;
}

/**
 * Where honourSlip runs: its own transaction (`db`), or the caller's (`tx`), so that another
 * module's write — a support session recorded « from a slip » — and the slip's « honorée »
 * with its journal entry commit or fail together.
 */
export type HonourDeps = { clock: Clock } & ({ db: Database; tx?: undefined } | { tx: Queryable; db?: undefined });

/**
 * The person came: the receiving organisation marks the slip « honorée » (once; a second call
 * says so and changes nothing) and gets what pre-fills the support session (themes, level,
 * needs, procedure). Refused: an unknown, mistyped or expired slip, an organisation where the
 * actor does not receive people, a slip that names another organisation's place. Called by
 * the support-session form when it records a session « from a slip » (pass `tx`), and by the
 * slip page's button.
 */
export function honourSlip(deps: HonourDeps, actor: Actor | undefined, input: HonourInput): Promise<HonourOutcome>;
/** The same, with the code apart (the first form of this use case, kept for its callers). */
export function honourSlip(
  deps: HonourDeps,
  actor: Actor | undefined,
  code: string,
  input: { organisationId: string },
): Promise<HonourOutcome>;
export function honourSlip(
  deps: HonourDeps,
  actor: Actor | undefined,
  codeOrInput: string | HonourInput,
  rest?: { organisationId: string },
): Promise<HonourOutcome> {
  const input: HonourInput =
    typeof codeOrInput === 'string' ? { code: codeOrInput, organisationId: rest?.organisationId ?? '' } : codeOrInput;
  if (deps.tx) return honourIn(deps.tx, deps.clock, actor, input);
  return deps.db.transaction((tx) => honourIn(tx, deps.clock, actor, input));
}

async function honourIn(tx: Queryable, clock: Clock, actor: Actor | undefined, input: HonourInput) {
  const canonical = parseSlipCode(String(input.code));
  const slip = await loadSlip(tx, canonical);
  authorize(actor, orientationPolicy.honourSlip, {
    slip: await slipRef(tx, slip),
    organisationId: input.organisationId,
  });
  const now = clock();
  const outcome = (row: SlipRow, alreadyHonoured: boolean, honouredAt: Date): HonourOutcome => ({
    ...prefillOf(row),
    needs: row.needs,
    alreadyHonoured,
    honouredAt,
  });
  if (slip.honouredAt) return outcome(slip, true, slip.honouredAt);
  if (isExpired(slip, now)) {
    throw new RuleError('fiche_expiree', 'Cette fiche a expiré (plus de 90 jours) : elle ne peut plus être honorée.');
  }
  if (!(await markHonoured(tx, { code: canonical, organisationId: input.organisationId, now }))) {
    // Another helper honoured it a moment ago (their transaction committed first).
    const again = await loadSlip(tx, canonical);
    return outcome(again, true, again.honouredAt ?? now);
  }
  await appendJournal(tx, clock, {
    action: 'orientation.fiche_honoree',
    actorUserId: accountIdOf(actor),
    organisationId: input.organisationId,
    targetType: 'fiche_orientation',
    targetId: canonical,
    details: { prescripteur: slip.prescriberOrganisationId },
  });
  return outcome(slip, false, now);
}

/**
 * Retention (a job, hourly): notes of expired slips are deleted, with one journal entry per
 * organisation concerned; diagnostics left unfinished for 2 hours are deleted.
 */
export async function purgeOrientation(tx: Queryable, clock: Clock): Promise<{ notes: number; sessions: number }> {
  const now = clock();
  const codes = await deleteExpiredNotes(tx, now);
  if (codes.length > 0) {
    await appendJournal(tx, clock, {
      action: 'orientation.notes_purgees',
      details: { nombre: codes.length },
    });
  }
  const sessions = await deleteIdleSessions(tx, new Date(now.getTime() - SESSION_IDLE_MS));
  return { notes: codes.length, sessions };
}
