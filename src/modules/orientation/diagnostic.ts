/**
 * The diagnostic as a server-side session: « Commencer » creates it (a random secret in a
 * cookie, its hash in the table), each answer is checked and saved, and the last answer turns
 * it into a slip and deletes it, in one transaction: on a shared computer the next person
 * always starts from nothing. A form carries the diagnostic's id: an answer from a page of an
 * older (restarted, finished) diagnostic changes nothing.
 */
import { type Actor, accountIdOf } from '../../platform/auth/actor.ts';
import { authorize } from '../../platform/auth/policy.ts';
import type { Clock } from '../../platform/clock.ts';
import { randomToken, sha256 } from '../../platform/crypto.ts';
import type { Database, Queryable } from '../../platform/db/database.ts';
import { appendJournal } from '../../platform/journal/journal.ts';
import { departementOf, nearestCommune, resolveLocation } from '../lieux/index.ts';
import { QUESTIONS, type Question } from './data.ts';
import type { Lang } from './i18n.ts';
import { orientationPolicy } from './policies.ts';
import {
  type DiagnosticLocation,
  deleteSession,
  findLiveSession,
  insertSession,
  insertSlip,
  type SessionRow,
  saveAnswers,
} from './repository.ts';
import { type Answers, allowedValues, decideLevel, detectNeeds } from './rules.ts';
import { slipCodes } from './slip-code.ts';

export interface OrientationDeps {
  db: Database;
  clock: Clock;
}

/** A diagnostic left without an answer this long is gone (and purged). */
export const SESSION_IDLE_MS = 2 * 3600_000;
export const SLIP_LIFETIME_DAYS = 90;

export type DiagnosticError =
  | { key: 'erreur.session' }
  | { key: 'erreur.ordre'; question: Question }
  | { key: 'erreur.choisir' | 'erreur.inconnue' | 'erreur.commune_vide' | 'erreur.position' | 'erreur.commune_choix' }
  | { key: 'erreur.cocher' | 'erreur.contradiction'; none: string }
  | { key: 'erreur.commune_inconnue'; text: string };

export type AnswerOutcome =
  | { kind: 'next'; question: Question }
  | { kind: 'finished'; code: string }
  | { kind: 'ambiguous'; typed: string; candidates: Array<{ label: string; value: string }> }
  | { kind: 'error'; status: 400 | 409 | 422; error: DiagnosticError };

export async function startDiagnostic(
  deps: OrientationDeps,
  input: { language: Lang; actor?: Actor | undefined; organisationId?: string | undefined },
): Promise<{ token: string; id: string }> {
  if (input.organisationId !== undefined) {
    authorize(input.actor, orientationPolicy.runWithPerson, { id: input.organisationId });
  }
  const token = randomToken();
  const id = await insertSession(deps.db, {
    tokenHash: sha256(token),
    language: input.language,
    prescriberOrganisationId: input.organisationId ?? null,
    prescriberUserId: input.organisationId !== undefined && input.actor ? accountIdOf(input.actor) : null,
    now: deps.clock(),
  });
  return { token, id };
}

export async function findDiagnostic(
  deps: OrientationDeps,
  token: string | undefined,
): Promise<SessionRow | undefined> {
  if (!token || token.length > 100) return undefined;
  return findLiveSession(deps.db, sha256(token), new Date(deps.clock().getTime() - SESSION_IDLE_MS));
}

export async function endDiagnostic(deps: OrientationDeps, token: string | undefined): Promise<void> {
  const session = await findDiagnostic(deps, token);
  if (session) await deleteSession(deps.db, session.id);
}

export function isAnswered(session: Pick<SessionRow, 'answers' | 'location'>, q: Question): boolean {
  return q.type === 'commune' ? session.location !== null : session.answers[q.id] !== undefined;
}

/** The first question not answered yet (undefined: all answered). */
export function firstUnanswered(session: Pick<SessionRow, 'answers' | 'location'>): Question | undefined {
  return QUESTIONS.find((q) => !isAnswered(session, q));
}

/** A question may be shown or answered once every question before it is answered. */
export function reachable(session: Pick<SessionRow, 'answers' | 'location'>, q: Question): boolean {
  const index = QUESTIONS.indexOf(q);
  return QUESTIONS.slice(0, index).every((before) => isAnswered(session, before));
}

/** NUL and other control characters never belong in a town's name. */
function hasControlCharacters(text: string): boolean {
  return [...text].some((c) => (c.codePointAt(0) ?? 0) < 32);
}

function values(raw: unknown): string[] {
  const list = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  return list.filter((v): v is string => typeof v === 'string').map((v) => v.slice(0, 100));
}

/** Checks one answer against its question; the value to store, or the error to show. */
export function checkChoice(
  q: Question,
  raw: unknown,
): { ok: true; value: string | string[] } | { ok: false; error: DiagnosticError } {
  const given = values(raw);
  if (q.type === 'single') {
    if (given.length === 0) return { ok: false, error: { key: 'erreur.choisir' } };
    const value = given[given.length - 1] as string;
    return allowedValues(q.id).includes(value) ? { ok: true, value } : { ok: false, error: { key: 'erreur.inconnue' } };
  }
  if (q.type === 'multiple') {
    const allowed = allowedValues(q.id);
    if (given.some((v) => !allowed.includes(v))) return { ok: false, error: { key: 'erreur.inconnue' } };
    const unique = [...new Set(given)];
    const none = q.none.value;
    if (unique.length === 0) return { ok: false, error: { key: 'erreur.cocher', none } };
    if (unique.includes(none) && unique.length > 1) return { ok: false, error: { key: 'erreur.contradiction', none } };
    // Stored in the order of the question, whatever the order of the form.
    return { ok: true, value: allowed.filter((v) => unique.includes(v)) };
  }
  return { ok: false, error: { key: 'erreur.inconnue' } };
}

/** Where to look for help, from what was typed or the device's position. */
async function locate(
  db: Queryable,
  body: Record<string, unknown>,
): Promise<
  | { ok: true; location: DiagnosticLocation }
  | { ok: false; error: DiagnosticError }
  | { ok: false; ambiguous: { typed: string; candidates: Array<{ label: string; value: string }> } }
> {
  const latitude = values(body.latitude)[0];
  const longitude = values(body.longitude)[0];
  if (latitude && longitude) {
    const lat = Number(latitude);
    const lon = Number(longitude);
    // Metropolitan France and overseas territories, roughly (lieux checks the same for search).
    if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) {
      return { ok: false, error: { key: 'erreur.position' } };
    }
    const commune = await nearestCommune(db, { latitude: lat, longitude: lon });
    if (!commune) return { ok: false, error: { key: 'erreur.position' } };
    return {
      ok: true,
      location: {
        label: commune.name,
        codeInsee: commune.codeInsee,
        departement: commune.departement,
        // About 1 km: enough to find places, not a home address.
        latitude: Math.round(lat * 100) / 100,
        longitude: Math.round(lon * 100) / 100,
        source: 'position',
      },
    };
  }
  const typed = (values(body.commune)[0] ?? '').replace(/\s+/g, ' ').trim();
  if (typed === '' || hasControlCharacters(typed)) return { ok: false, error: { key: 'erreur.commune_vide' } };
  const found = await resolveLocation(db, typed);
  if (found.kind === 'ambiguous') {
    return {
      ok: false,
      ambiguous: {
        typed,
        candidates: found.candidates.map((c) => ({
          label: c.label,
          value: `${c.label.replace(/ \(.*$/, '')} ${c.codePostal}`,
        })),
      },
    };
  }
  if (found.kind !== 'found') return { ok: false, error: { key: 'erreur.commune_inconnue', text: typed.slice(0, 60) } };
  const departements = [...new Set(found.codesInsee.map(departementOf))];
  return {
    ok: true,
    location: {
      label: found.label,
      codeInsee: found.codesInsee.length === 1 ? (found.codesInsee[0] as string) : null,
      departement: departements.length === 1 ? (departements[0] as string) : null,
      latitude: found.latitude,
      longitude: found.longitude,
      source: 'commune',
    },
  };
}

/**
 * Records the answer to one question. Refused, with nothing changed: an answer from another
 * diagnostic (hidden id), a question whose predecessors are unanswered (skipping), a value the
 * question does not offer (tampering), an unknown commune. The last answer finishes the
 * diagnostic: its slip is written and the session deleted in one transaction.
 */
export async function answerQuestion(
  deps: OrientationDeps,
  input: {
    token: string | undefined;
    questionId: string;
    body: Record<string, unknown>;
    language: Lang;
  },
): Promise<AnswerOutcome> {
  const session = await findDiagnostic(deps, input.token);
  const formId = values(input.body.diagnostic)[0];
  if (!session || formId !== session.id) return { kind: 'error', status: 409, error: { key: 'erreur.session' } };
  const q = QUESTIONS.find((x) => x.id === input.questionId);
  if (!q) return { kind: 'error', status: 400, error: { key: 'erreur.inconnue' } };
  if (!reachable(session, q)) {
    const first = firstUnanswered(session) as Question;
    return { kind: 'error', status: 409, error: { key: 'erreur.ordre', question: first } };
  }

  const answers: Record<string, string | string[]> = { ...session.answers };
  let location = session.location;
  if (q.type === 'commune') {
    const located = await locate(deps.db, input.body);
    if (!located.ok) {
      if ('ambiguous' in located) return { kind: 'ambiguous', ...located.ambiguous };
      return { kind: 'error', status: 422, error: located.error };
    }
    location = located.location;
  } else {
    const checked = checkChoice(q, input.body.reponse);
    if (!checked.ok) return { kind: 'error', status: 400, error: checked.error };
    answers[q.id] = checked.value;
  }

  const now = deps.clock();
  const next = firstUnanswered({ answers, location });
  if (next) {
    const saved = await saveAnswers(deps.db, {
      id: session.id,
      expectedUpdatedAt: session.updatedAt,
      answers,
      location,
      now,
    });
    if (!saved) return { kind: 'error', status: 409, error: { key: 'erreur.session' } };
    // After a change of an earlier answer, go on with the question after it.
    const after = QUESTIONS[QUESTIONS.indexOf(q) + 1];
    return { kind: 'next', question: after && reachable({ answers, location }, after) ? after : next };
  }
  const code = await finishDiagnostic(deps, {
    session,
    answers,
    location: location as DiagnosticLocation,
    language: input.language,
  });
  return code ? { kind: 'finished', code } : { kind: 'error', status: 409, error: { key: 'erreur.session' } };
}

async function finishDiagnostic(
  deps: OrientationDeps,
  input: { session: SessionRow; answers: Answers; location: DiagnosticLocation; language: Lang },
): Promise<string | undefined> {
  const { session, answers, location } = input;
  const level = decideLevel(answers);
  const needs = detectNeeds(answers);
  const now = deps.clock();
  const one = (id: string) => String(answers[id] ?? '');
  const many = (id: string) => {
    const v = answers[id];
    return Array.isArray(v) ? v : v === undefined ? [] : [v];
  };
  return deps.db.transaction(async (tx) => {
    // Deleting first decides the race between two tabs: only one finishes the diagnostic.
    if (!(await deleteSession(tx, session.id))) return undefined;
    for (let attempt = 0; attempt < 5; attempt++) {
      const code = slipCodes.generate();
      const inserted = await insertSlip(tx, {
        code,
        createdAt: now,
        expiresAt: new Date(now.getTime() + SLIP_LIFETIME_DAYS * 86_400_000),
        level,
        needs: needs.map((n) => n.id),
        themes: [...new Set(needs.flatMap((n) => n.themes))],
        procedure: one('demarche'),
        deadline: one('delai'),
        equipment: many('equipement'),
        skills: many('competences'),
        reading: one('lecture'),
        helpLanguage: one('langue'),
        helpMode: one('aide'),
        interfaceLanguage: input.language,
        locationLabel: location.label,
        communeInsee: location.codeInsee,
        departement: location.departement,
        latitude: location.latitude,
        longitude: location.longitude,
        prescriberOrganisationId: session.prescriberOrganisationId,
        prescriberUserId: session.prescriberUserId,
        isDemo: false,
      });
      if (!inserted) continue;
      if (session.prescriberOrganisationId) {
        await appendJournal(tx, deps.clock, {
          action: 'orientation.fiche_creee',
          actorUserId: session.prescriberUserId,
          organisationId: session.prescriberOrganisationId,
          targetType: 'fiche_orientation',
          targetId: code,
          details: { niveau: level },
        });
      }
      return code;
    }
    throw new Error('could not draw a free slip code in 5 attempts');
  });
}
