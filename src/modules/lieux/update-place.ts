/**
 * A structure keeps its place up to date: the form is validated exactly like an import row,
 * date_maj becomes today, and the change is journaled. Also: mark closed / open again, and say
 * which organisation maintains a place.
 */
import { type Actor, accountIdOf } from '../../platform/auth/actor.ts';
import { authorize } from '../../platform/auth/policy.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Database, Queryable } from '../../platform/db/database.ts';
import { NotFoundError, ValidationError } from '../../platform/http/errors.ts';
import { appendJournal } from '../../platform/journal/journal.ts';
import { isIsoDate, parisDate } from '../../platform/print/index.ts';
import { communesByPostcode, countCommunes } from './gazetteer/communes-repository.ts';
import { frenchOrIsoDate, weekFromForm, writeHours } from './hours-editor.ts';
import { normaliseRow } from './import/normalise-row.ts';
import { contentHash, locator, openMinutesOf, searchTextOf } from './import-places.ts';
import type { PlaceReassignedHook } from './index.ts';
import { isValidOpeningHours } from './opening-hours.ts';
import {
  findPlace,
  type PlaceRecord,
  type PlaceStatus,
  setPlaceClosure,
  setPlaceOrganisation,
  setPlaceStatus,
  setPlaceWhatToBring,
  upsertPlaces,
} from './places-repository.ts';
import { lieuxPolicy } from './policies.ts';
import type { Place } from './standard.ts';
import { FIELDS, MULTI_VALUED } from './standard.ts';
import { communeKey } from './text.ts';

export interface LieuxUseCaseDeps {
  db: Database;
  clock: Clock;
  onPlaceReassigned?: PlaceReassignedHook | undefined;
}

async function placeFor(db: Queryable, id: string, options: { lock?: 'update' } = {}): Promise<PlaceRecord> {
  const place = await findPlace(db, id, options);
  if (!place) throw new NotFoundError('Ce lieu est introuvable.');
  return place;
}

/**
 * Decide inside the write (ADR 0009): the place is read again under a row lock in the
 * transaction that writes it, and the rule asked again on that row — a reassignment between
 * the first read and the write cannot let the former structure write.
 */
async function lockedPlaceFor(
  tx: Queryable,
  actor: Actor,
  id: string,
  rule: (actor: Actor, place: PlaceRecord) => boolean,
): Promise<PlaceRecord> {
  const place = await placeFor(tx, id, { lock: 'update' });
  authorize(actor, rule, place);
  return place;
}

/** Form fields → the values an import row would carry (lists typed one per line or with commas). */
export function formToRow(form: Record<string, unknown>): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const field of FIELDS) {
    const v = form[field];
    if (v === undefined) continue;
    if (MULTI_VALUED.has(field)) {
      const list = (Array.isArray(v) ? v : [v]).flatMap((x) => String(x).split(/[\n\r|]+/));
      row[field] = list
        .map((x) => x.trim())
        .filter(Boolean)
        .join('|');
    } else {
      row[field] = typeof v === 'string' ? v : String(v);
    }
  }
  return row;
}

/**
 * The hours as the form gives them (ADR 0030): written from the day-by-day fields when « Jour par
 * jour » is chosen, else the expert field as typed. A form without the choice (the API, older
 * pages) keeps `horaires` as sent.
 */
function hoursOfForm(form: Record<string, unknown>, today: string): { horaires?: string } {
  if (form.horaires_saisie !== 'jours') return {};
  const week = weekFromForm(form, today);
  if (!week.ok) throw new ValidationError(week.errors);
  return { horaires: writeHours(week.week) };
}

/** The last day of the closure going on today, '' when none (a closure to come is left to its own form). */
export function ongoingClosureEnd(
  place: { closed_from: string | null; closed_until: string | null },
  today: string,
): string {
  return place.closed_from && place.closed_until && place.closed_from <= today && place.closed_until >= today
    ? place.closed_until
    : '';
}

/**
 * « Fermé temporairement jusqu'au … »: undefined when the form does not carry the field or leaves
 * the closure as it is; null to reopen; else the period from today (or the current period's
 * start) to that day.
 */
function closureOfForm(
  form: Record<string, unknown>,
  before: { closed_from: string | null; closed_until: string | null },
  today: string,
): { from: string; until: string } | null | undefined {
  if (!('ferme_jusqu_au' in form)) return undefined;
  const typed = typeof form.ferme_jusqu_au === 'string' ? form.ferme_jusqu_au.trim() : '';
  const current = ongoingClosureEnd(before, today);
  if (typed === current) return undefined;
  if (typed === '') return null;
  const until = frenchOrIsoDate(typed);
  if (!until)
    throw new ValidationError({
      ferme_jusqu_au: `« ${typed.slice(0, 40)} » n’est pas une date (par exemple 31/01/2027).`,
    });
  if (until < today)
    throw new ValidationError({
      ferme_jusqu_au: 'Cette date est passée : indiquez le dernier jour de fermeture à venir.',
    });
  const from = current !== '' && before.closed_from ? before.closed_from : today;
  return { from, until };
}

/**
 * The INSEE code of the commune typed (issue 13: a person types a commune's name and postcode,
 * never its INSEE code). Unchanged commune and postcode keep the stored code; otherwise the
 * gazetteer gives it: the commune of that postcode with that name (or whose name starts with
 * the words typed). An unknown or ambiguous pair is a French error; without a loaded
 * gazetteer there is nothing to check against and the code is left empty, as the import does.
 */
export async function inseeOfForm(
  db: Queryable,
  place: Pick<Place, 'code_postal' | 'commune'>,
  before: Pick<PlaceRecord, 'code_postal' | 'commune' | 'code_insee'>,
): Promise<string | null> {
  if (place.code_postal === before.code_postal && communeKey(place.commune) === communeKey(before.commune))
    return before.code_insee;
  if ((await countCommunes(db)) === 0) return null;
  const all = await communesByPostcode(db, place.code_postal);
  if (all.length === 0)
    throw new ValidationError({
      code_postal: `Aucune commune n’a le code postal ${place.code_postal} dans la base des codes postaux : vérifiez-le.`,
    });
  const key = communeKey(place.commune);
  const named = all.filter((c) => communeKey(c.name) === key || communeKey(c.name).startsWith(`${key} `));
  // Stricter than the import (which takes a postcode's only commune whatever the name): a
  // person can correct the name at once, from the list the error gives.
  const matches = named;
  const names = (list: typeof all) =>
    [...new Set(list.map((c) => c.name))]
      .slice(0, 8)
      .map((n) => `« ${n} »`)
      .join(', ');
  if (matches.length === 0)
    throw new ValidationError({
      commune: `La commune « ${place.commune.slice(0, 60)} » n’a pas le code postal ${place.code_postal}. Communes de ce code postal : ${names(all)}.`,
    });
  const codes = new Set(matches.map((c) => c.codeInsee));
  if (codes.size > 1)
    throw new ValidationError({
      commune: `Plusieurs communes du code postal ${place.code_postal} répondent à « ${place.commune.slice(0, 60)} » : écrivez le nom complet (${names(matches)}).`,
    });
  return [...codes][0] as string;
}

export async function updatePlace(
  deps: LieuxUseCaseDeps,
  actor: Actor | undefined,
  id: string,
  form: Record<string, unknown>,
): Promise<{ corrections: string[] }> {
  const before = await placeFor(deps.db, id);
  authorize(actor, lieuxPolicy.editPlace, before);
  const now = deps.clock();
  const today = parisDate(now);
  const hours = hoursOfForm(form, today);
  const closure = closureOfForm(form, before, today);
  // The INSEE code is never typed: it comes from the commune and postcode (inseeOfForm).
  const { code_insee: _typedInsee, ...typed } = form;
  const row = { ...formToRow({ ...typed, ...hours }), id: before.id, date_maj: today };
  const result = normaliseRow(row, { today });
  if (!result.ok) {
    const errors: Record<string, string> = {};
    for (const e of result.errors) errors[e.field] ??= e.message;
    throw new ValidationError(errors);
  }
  const place = result.place;
  place.code_insee = await inseeOfForm(deps.db, place, before);
  if (place.horaires && !isValidOpeningHours(place.horaires)) {
    throw new ValidationError({
      horaires:
        'Ces horaires ne sont pas lisibles. Écrivez-les comme dans les exemples, par exemple « Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00 ».',
    });
  }
  let geo: { geo_lat: number | null; geo_lon: number | null; geo_precision: 'exact' | 'commune' | 'none' };
  if (place.latitude !== null && place.longitude !== null) {
    geo = { geo_lat: place.latitude, geo_lon: place.longitude, geo_precision: 'exact' };
  } else {
    const point = await (await locator(deps.db))(place);
    geo = point
      ? { geo_lat: point.lat, geo_lon: point.lon, geo_precision: 'commune' }
      : { geo_lat: null, geo_lon: null, geo_precision: 'none' };
  }
  const changed = FIELDS.filter((f) => JSON.stringify(place[f]) !== JSON.stringify(before[f]) && f !== 'date_maj');
  await deps.db.transaction(async (tx) => {
    const current = await lockedPlaceFor(tx, actor, id, lieuxPolicy.editPlace);
    await upsertPlaces(tx, [
      {
        ...place,
        ...geo,
        origin: 'saisie',
        imported_at: before.imported_at,
        updated_at: now,
        content_hash: contentHash(place),
        search_text: searchTextOf(place),
        open_minutes: openMinutesOf(place.horaires),
      },
    ]);
    await appendJournal(tx, deps.clock, {
      action: 'lieux.modification',
      actorUserId: accountIdOf(actor),
      organisationId: current.organisation_id,
      targetType: 'lieu',
      targetId: before.id,
      details: { champs: changed },
    });
    // « Fermé temporairement jusqu'au … », typed with the hours: saved with them, journaled as
    // the closure form's own change is.
    if (closure !== undefined) {
      await setPlaceClosure(tx, before.id, closure, now);
      await appendJournal(tx, deps.clock, {
        action: closure ? 'lieux.fermeture_temporaire' : 'lieux.fermeture_temporaire_annulee',
        actorUserId: accountIdOf(actor),
        organisationId: current.organisation_id,
        targetType: 'lieu',
        targetId: before.id,
        details: closure
          ? { du: closure.from, au: closure.until }
          : { du: current.closed_from, au: current.closed_until },
      });
    }
  });
  return { corrections: result.corrections.map((c) => `${c.field} : ${c.message}`) };
}

export async function changePlaceStatus(
  deps: LieuxUseCaseDeps,
  actor: Actor | undefined,
  id: string,
  status: PlaceStatus,
): Promise<void> {
  const first = await placeFor(deps.db, id);
  authorize(actor, lieuxPolicy.editPlace, first);
  if (first.status === status) return;
  await deps.db.transaction(async (tx) => {
    const place = await lockedPlaceFor(tx, actor, id, lieuxPolicy.editPlace);
    if (place.status === status) return;
    await setPlaceStatus(tx, id, status, deps.clock());
    await appendJournal(tx, deps.clock, {
      action: status === 'closed' ? 'lieux.fermeture' : 'lieux.reouverture',
      actorUserId: accountIdOf(actor),
      organisationId: place.organisation_id,
      targetType: 'lieu',
      targetId: id,
    });
  });
}

/**
 * A temporary or exceptional closure, « du … au … » inclusive (the place stays in searches and
 * says so), or none. Dates are Paris dates; a period already over is refused.
 */
export async function changePlaceClosure(
  deps: LieuxUseCaseDeps,
  actor: Actor | undefined,
  id: string,
  period: { from: string; until: string } | null,
): Promise<void> {
  const place = await placeFor(deps.db, id);
  authorize(actor, lieuxPolicy.editPlace, place);
  if (period) {
    const errors: Record<string, string> = {};
    if (!isIsoDate(period.from)) errors.du = 'Indiquez la date du premier jour de fermeture.';
    if (!isIsoDate(period.until)) errors.au = 'Indiquez la date du dernier jour de fermeture.';
    else if (period.until < parisDate(deps.clock())) errors.au = 'Cette date est passée : indiquez une date à venir.';
    else if (isIsoDate(period.from) && period.from > period.until)
      errors.au = 'Le dernier jour de fermeture doit suivre le premier.';
    if (Object.keys(errors).length > 0) throw new ValidationError(errors);
  }
  await deps.db.transaction(async (tx) => {
    await lockedPlaceFor(tx, actor, id, lieuxPolicy.editPlace);
    await setPlaceClosure(tx, id, period, deps.clock());
    await appendJournal(tx, deps.clock, {
      action: period ? 'lieux.fermeture_temporaire' : 'lieux.fermeture_temporaire_annulee',
      actorUserId: accountIdOf(actor),
      organisationId: place.organisation_id,
      targetType: 'lieu',
      targetId: id,
      details: period ? { du: period.from, au: period.until } : { du: place.closed_from, au: place.closed_until },
    });
  });
}

/** « Ce qu'il faut apporter »: free text from the structure, shown on the place page; empty clears it. */
export async function changeWhatToBring(
  deps: LieuxUseCaseDeps,
  actor: Actor | undefined,
  id: string,
  text: string,
): Promise<void> {
  const first = await placeFor(deps.db, id);
  authorize(actor, lieuxPolicy.editPlace, first);
  const value = text.trim().replace(/\r\n/g, '\n') || null;
  if (value && value.length > 1000)
    throw new ValidationError({ a_apporter: 'Ce texte est trop long : 1 000 caractères au plus.' });
  if (value === first.what_to_bring) return;
  await deps.db.transaction(async (tx) => {
    const place = await lockedPlaceFor(tx, actor, id, lieuxPolicy.editPlace);
    await setPlaceWhatToBring(tx, id, value, deps.clock());
    await appendJournal(tx, deps.clock, {
      action: 'lieux.a_apporter',
      actorUserId: accountIdOf(actor),
      organisationId: place.organisation_id,
      targetType: 'lieu',
      targetId: id,
    });
  });
}

export async function assignPlace(
  deps: LieuxUseCaseDeps,
  actor: Actor | undefined,
  id: string,
  organisationId: string | null,
  organisationExists: (id: string) => Promise<boolean>,
): Promise<void> {
  const first = await placeFor(deps.db, id);
  authorize(actor, lieuxPolicy.assignPlace, first);
  if (organisationId !== null && !(await organisationExists(organisationId))) {
    throw new ValidationError({ organisation: 'Choisissez une structure de la liste.' });
  }
  await deps.db.transaction(async (tx) => {
    const place = await lockedPlaceFor(tx, actor, id, lieuxPolicy.assignPlace);
    if (place.organisation_id === organisationId) return;
    await setPlaceOrganisation(tx, id, organisationId);
    await deps.onPlaceReassigned?.(tx, {
      placeId: id,
      from: place.organisation_id,
      to: organisationId,
      actorUserId: accountIdOf(actor),
    });
    await appendJournal(tx, deps.clock, {
      action: 'lieux.rattachement',
      actorUserId: accountIdOf(actor),
      organisationId,
      targetType: 'lieu',
      targetId: id,
      details: { avant: place.organisation_id },
    });
  });
}
