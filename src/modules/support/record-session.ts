/**
 * Recording, changing and deleting a support session. Each write is one transaction with its
 * journal entry (and, from a slip, the slip marked « honorée » in the same transaction). The
 * helper's choices are remembered for the next form (the fast path).
 */
import { type Actor, accountIdOf } from '../../platform/auth/actor.ts';
import { authorize, can } from '../../platform/auth/policy.ts';
import { departementOfCommune } from '../../platform/auth/territory.ts';
import {
  type Database,
  PgErrorCode,
  pgErrorCode,
  type Queryable,
  type Transaction,
} from '../../platform/db/database.ts';
import { ForbiddenError, NotFoundError, RuleError, ValidationError } from '../../platform/http/errors.ts';
import { appendJournal } from '../../platform/journal/journal.ts';
import { parisToday } from '../../platform/print/index.ts';
import { departementOfPlace, placeSummary, placesOfOrganisation, resolveLocation } from '../lieux/index.ts';
import type { PeopleDeps } from '../people/index.ts';
import { EDIT_WINDOW_DAYS, type SupportDeps } from './deps.ts';
import { supportPolicy } from './policies.ts';
import { parseSessionInput, type SessionInput } from './session-input.ts';
import { checkPeopleFollowed, namesPersonOtherwise, personFromForm } from './session-person.ts';
import {
  deleteSessionRow,
  findSession,
  insertSession,
  replaceParticipants,
  type SessionRow,
  type SessionWrite,
  saveDefaults,
  sessionOfRedemption,
  updateSessionRow,
} from './sessions-repository.ts';

/**
 * What the support module needs from others, wired by app.ts (ports: the modules that own the
 * data decide). Absent, the feature says it is not available rather than pretending.
 */
export interface SupportPorts {
  /** Marks a slip « honorée » for the structure, inside the session's transaction; returns its canonical code. */
  honourSlip?: (db: Database, actor: Actor, code: string, organisationId: string) => Promise<string>;
  /** The Pass numérique vouchers the person used (pass module; it checks the actor may see the person). */
  vouchersUsedByPerson?: (actor: Actor, personId: string) => Promise<VoucherUsedByPerson[]>;
  /** Whether a redemption (not undone) was made by this structure (pass module), inside the session's transaction. */
  isRedemptionOfOrganisation?: (db: Database, redemptionId: string, organisationId: string) => Promise<boolean>;
  /** The structure's mandates valid on a Paris date, a linked person's first (mandates module). */
  usableMandates?: (
    db: Database,
    query: { organisationId: string; personId?: string | null; on: string },
  ) => Promise<MandateChoice[]>;
  /** The mandate if it is the structure's and valid on the Paris date (mandates module), inside the transaction. */
  usableMandate?: (
    db: Database,
    query: { mandateId: string; organisationId: string; on: string },
  ) => Promise<MandateChoice | undefined>;
  /** Short labels (initials) of the structure's mandates that sessions name (mandates module). */
  mandateLabels?: (db: Database, query: { organisationId: string; ids: string[] }) => Promise<Map<string, string>>;
  /** References of the structure's mandates that sessions name, for its exports (mandates module). */
  mandateReferences?: (db: Database, query: { organisationId: string; ids: string[] }) => Promise<Map<string, string>>;
}

/** A mandate as the session form offers it: never a name, only initials, families, until when. */
export interface MandateChoice {
  id: string;
  label: string;
  personId: string | null;
}

/** One voucher a person used, as the pass module gives it to the person's page. */
export interface VoucherUsedByPerson {
  redeemedAt: Date;
  place: string;
  commune: string;
  service: string;
  programme: string;
}

export type SupportContext = SupportDeps & SupportPorts & { people?: PeopleDeps };

/** A transaction seen as a database, so that another module's use case joins it. */
function asDatabase(engine: Database['engine'], tx: Transaction): Database {
  return {
    engine,
    query: (sql, params, options) => tx.query(sql, params, options),
    exec: (sql) => tx.exec(sql),
    transaction: (fn) => fn(tx),
    close: async () => {},
  };
}

/** The context with the people module's database being the transaction, so that its use cases join it. */
function withinTransaction(ctx: SupportContext, tx: Transaction): SupportContext {
  return ctx.people ? { ...ctx, people: { ...ctx.people, db: asDatabase(ctx.db.engine, tx) } } : ctx;
}

interface Located {
  placeId: string | null;
  communeInsee: string | null;
  departement: string | null;
}

/** Checks the places of the input against the structure and gives where the session counts. */
async function locate(db: Queryable, actor: Actor, input: SessionInput): Promise<Located> {
  const places = await placesOfOrganisation(db, input.organisationId);
  const fromPlace = (p: { code_insee: string | null; code_postal: string }) => ({
    communeInsee: p.code_insee,
    departement: departementOfPlace(p),
  });
  if (input.placeKind === 'lieu') {
    const place = places.find((p) => p.id === input.placeId);
    if (!place) {
      throw new ValidationError({
        lieu: "Ce lieu n'est pas un des lieux de votre structure : choisissez-en un dans la liste.",
      });
    }
    return { placeId: place.id, ...fromPlace(place) };
  }
  if (input.placeKind === 'domicile' || input.placeKind === 'autre') {
    const found = await resolveLocation(db, input.commune ?? '');
    if (found.kind === 'found' && found.codesInsee.length > 0) {
      const code = found.codesInsee[0] as string;
      return { placeId: null, communeInsee: code, departement: departementOfCommune(code) };
    }
    if (found.kind === 'ambiguous') {
      throw new ValidationError({ commune: 'Plusieurs communes portent ce nom : ajoutez le code postal.' });
    }
    throw new ValidationError({ commune: 'Commune inconnue : vérifiez le nom ou saisissez le code postal.' });
  }
  // Remote help counts where the structure is: its first place, else its territory.
  const first = places[0];
  if (first) return { placeId: null, ...fromPlace(first) };
  const territory = actor.memberships.find((m) => m.organisationId === input.organisationId)?.territory;
  const commune = territory?.communes[0] ?? null;
  const departement = territory?.departements[0] ?? (commune ? departementOfCommune(commune) : null);
  return { placeId: null, communeInsee: commune, departement };
}

async function checkOrientedPlace(db: Queryable, input: SessionInput): Promise<void> {
  if (!input.orientedPlaceId) return;
  const place = await placeSummary(db, input.orientedPlaceId);
  if (!place) throw new ValidationError({ orientation_lieu: 'Ce lieu n’existe pas : choisissez-le dans la liste.' });
}

async function writeOf(
  ctx: SupportContext,
  db: Transaction,
  actor: Actor,
  input: SessionInput,
  body: unknown,
): Promise<Omit<SessionWrite, 'slipCode'>> {
  const located = await locate(db, actor, input);
  await checkOrientedPlace(db, input);
  if (input.personIds.length > 0 || namesPersonOtherwise(body)) {
    if (!ctx.people) {
      throw new RuleError('suivi_indisponible', 'Le suivi des personnes n’est pas encore disponible sur ce service.');
    }
    // Found by code or created here, after every other field was checked.
    const named = await personFromForm(ctx.people, db, actor, input.organisationId, body);
    if (named) input.personIds = input.kind === 'individuel' ? [named] : [...new Set([...input.personIds, named])];
    input.personIds = await checkPeopleFollowed(ctx.people, actor, input.organisationId, input.personIds);
  }
  if (input.mandateId) {
    if (!ctx.usableMandate) throw new RuleError('mandat_indisponible', 'Les mandats ne sont pas disponibles.');
    const mandate = await ctx.usableMandate(asDatabase(ctx.db.engine, db), {
      mandateId: input.mandateId,
      organisationId: input.organisationId,
      on: input.date,
    });
    if (!mandate) throw new ValidationError({ mandat: MANDATE_NOT_VALID });
  }
  return {
    organisationId: input.organisationId,
    helperUserId: accountIdOf(actor),
    kind: input.kind,
    sessionDate: input.date,
    durationMinutes: input.durationMinutes,
    placeKind: input.placeKind,
    ...located,
    themes: input.themes,
    procedures: input.procedures,
    procedureName: input.procedureName,
    devices: input.devices,
    autonomy: input.autonomy,
    selfAssessment: input.selfAssessment,
    orientedTo: input.orientedTo,
    orientedPlaceId: input.orientedPlaceId,
    notes: input.notes,
    workshopTitle: input.workshopTitle,
    workshopLevel: input.workshopLevel,
    anonymousCounts: input.anonymous,
    personId: input.kind === 'individuel' ? (input.personIds[0] ?? null) : null,
    mandateId: input.mandateId,
  };
}

export const MANDATE_NOT_VALID = "Ce mandat n'est pas valide pour cette structure à cette date.";

/** Journal details: facts and counts, never a name or the notes. */
function journalDetails(w: Omit<SessionWrite, 'slipCode'>, participants: number) {
  return {
    type: w.kind,
    date: w.sessionDate,
    duree_minutes: w.durationMinutes,
    thematiques: w.themes.length,
    participants,
    personne_suivie: w.personId !== null || (w.kind === 'atelier' && participants > (w.anonymousCounts?.total ?? 0)),
    mandat: w.mandateId,
  };
}

export async function recordSession(ctx: SupportContext, actor: Actor | undefined, body: unknown): Promise<string> {
  authorize(actor, supportPolicy.viewOwnSessions, null);
  const input = parseSessionInput(body, parisToday(ctx.clock));
  authorize(actor, supportPolicy.recordSession, { id: input.organisationId });
  const now = ctx.clock();
  try {
    return await recordSessionInTransaction(ctx, actor, input, body, now);
  } catch (error) {
    // Two sessions from one redemption at the same instant: the unique index refused the later.
    if (
      input.redemptionId &&
      pgErrorCode(error) === PgErrorCode.uniqueViolation &&
      (await sessionOfRedemption(ctx.db, input.redemptionId))
    ) {
      throw new ValidationError({ cheque: SESSION_ALREADY_RECORDED });
    }
    throw error;
  }
}

const SESSION_ALREADY_RECORDED = 'Une séance est déjà enregistrée pour ce chèque.';

async function recordSessionInTransaction(
  ctx: SupportContext,
  actor: Actor,
  input: SessionInput,
  body: unknown,
  now: Date,
): Promise<string> {
  return ctx.db.transaction(async (tx) => {
    // The person named by code or created inline joins this transaction: no person without a session.
    const write = await writeOf(withinTransaction(ctx, tx), tx, actor, input, body);
    let slipCode: string | null = null;
    if (input.slipCode) {
      if (!ctx.honourSlip)
        throw new RuleError('fiche_indisponible', 'Les fiches d’orientation ne sont pas disponibles.');
      slipCode = await ctx.honourSlip(asDatabase(ctx.db.engine, tx), actor, input.slipCode, input.organisationId);
    }
    if (input.redemptionId) {
      if (!ctx.isRedemptionOfOrganisation)
        throw new RuleError('cheque_indisponible', 'Les chèques Pass numérique ne sont pas disponibles.');
      if (
        !(await ctx.isRedemptionOfOrganisation(asDatabase(ctx.db.engine, tx), input.redemptionId, input.organisationId))
      )
        throw new ValidationError({
          cheque: 'Ce chèque n’a pas été encaissé par votre structure, ou son encaissement a été annulé.',
        });
      if (await sessionOfRedemption(tx, input.redemptionId))
        throw new ValidationError({ cheque: SESSION_ALREADY_RECORDED });
    }
    const id = await insertSession(tx, { ...write, slipCode, redemptionId: input.redemptionId }, now);
    if (input.kind === 'atelier') await replaceParticipants(tx, id, input.personIds);
    const userId = accountIdOf(actor);
    if (userId) {
      await saveDefaults(
        tx,
        userId,
        input.organisationId,
        {
          kind: input.kind,
          durationMinutes: input.durationMinutes,
          placeKind: input.placeKind,
          placeId: write.placeId,
          devices: input.devices,
        },
        now,
      );
    }
    await appendJournal(tx, ctx.clock, {
      action: 'accompagnement.seance_enregistree',
      actorUserId: userId,
      organisationId: input.organisationId,
      targetType: 'seance',
      targetId: id,
      details: {
        ...journalDetails(write, input.personIds.length + (input.anonymous?.total ?? 0) || 1),
        fiche: slipCode !== null,
      },
    });
    return id;
  });
}

/**
 * The session a helper may change: theirs, in a structure where they still help, recorded
 * less than 7 days ago. Otherwise a clear refusal.
 */
export async function changeableSession(
  deps: Pick<SupportDeps, 'db' | 'clock'>,
  db: Queryable,
  actor: Actor | undefined,
  id: string,
  lock = false,
): Promise<SessionRow> {
  authorize(actor, supportPolicy.viewOwnSessions, null);
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new NotFoundError('Cette séance n’existe pas.');
  const session = await findSession(db, id, { lock });
  if (!session) throw new NotFoundError('Cette séance n’existe pas ou a été supprimée.');
  if (session.helperUserId !== actor.userId) {
    if (!can(actor, supportPolicy.recordSession, { id: session.organisationId })) {
      throw new NotFoundError('Cette séance n’existe pas ou a été supprimée.');
    }
    throw new ForbiddenError('Seule la personne qui a enregistré cette séance peut la modifier ou la supprimer.');
  }
  authorize(actor, supportPolicy.changeSession, session);
  if (deps.clock().getTime() - session.createdAt.getTime() > EDIT_WINDOW_DAYS * 86_400_000) {
    throw new RuleError(
      'delai_depasse',
      `Cette séance a été enregistrée il y a plus de ${EDIT_WINDOW_DAYS} jours : elle ne peut plus être modifiée ni supprimée.`,
    );
  }
  return session;
}

export async function updateSession(
  ctx: SupportContext,
  actor: Actor | undefined,
  id: string,
  body: unknown,
): Promise<void> {
  const current = await changeableSession(ctx, ctx.db, actor, id);
  if (!actor) return;
  const input = parseSessionInput(
    { ...(body && typeof body === 'object' ? body : {}), organisation: current.organisationId, fiche: '' },
    parisToday(ctx.clock),
  );
  await ctx.db.transaction(async (tx) => {
    // Checked again on the locked row: the 7 days may have ended, or another request deleted it.
    await changeableSession(ctx, tx, actor, id, true);
    const write = await writeOf(withinTransaction(ctx, tx), tx, actor, input, body);
    await updateSessionRow(tx, id, { ...write, slipCode: current.slipCode }, ctx.clock());
    await replaceParticipants(tx, id, input.kind === 'atelier' ? input.personIds : []);
    await appendJournal(tx, ctx.clock, {
      action: 'accompagnement.seance_modifiee',
      actorUserId: accountIdOf(actor),
      organisationId: current.organisationId,
      targetType: 'seance',
      targetId: id,
      details: journalDetails(write, input.personIds.length + (input.anonymous?.total ?? 0) || 1),
    });
  });
}

export async function deleteSession(ctx: SupportContext, actor: Actor | undefined, id: string): Promise<void> {
  const current = await changeableSession(ctx, ctx.db, actor, id);
  await ctx.db.transaction(async (tx) => {
    await changeableSession(ctx, tx, actor, id, true);
    await deleteSessionRow(tx, id);
    await appendJournal(tx, ctx.clock, {
      action: 'accompagnement.seance_supprimee',
      actorUserId: actor ? accountIdOf(actor) : null,
      organisationId: current.organisationId,
      targetType: 'seance',
      targetId: id,
      details: { type: current.kind, date: current.sessionDate },
    });
  });
}
