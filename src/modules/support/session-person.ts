/**
 * The person a session names, through the people module (its index.ts only): chosen among the
 * people the structure follows, found by the code on their card (with their consent to share
 * the record when another structure follows them), or created pseudonymously from the form.
 * Every way ends in the same check: the structure recording the session follows the person.
 */
import type { Actor } from '../../platform/auth/actor.ts';
import type { Queryable } from '../../platform/db/database.ts';
import { AppError, ValidationError } from '../../platform/http/errors.ts';
import { resolveLocation } from '../lieux/index.ts';
import {
  createPersonWithin,
  findPersonByCode,
  listPeopleFollowedBy,
  type PeopleDeps,
  type PersonView,
  recordSharingConsent,
  viewPerson,
} from '../people/index.ts';

type Body = Record<string, unknown>;

function one(body: Body, name: string): string {
  const v = body[name];
  const s = Array.isArray(v) ? v[v.length - 1] : v;
  return typeof s === 'string' ? s.trim() : '';
}

const NOT_FOLLOWED =
  'Cette personne est suivie par une autre structure : saisissez le code de sa carte et cochez son accord pour que votre structure suive aussi son dossier.';

/** Throws a form error unless every person is followed by the structure; returns the live ids. */
export async function checkPeopleFollowed(
  deps: PeopleDeps,
  actor: Actor,
  organisationId: string,
  personIds: string[],
): Promise<string[]> {
  const live: string[] = [];
  for (const id of personIds) {
    let view: PersonView;
    try {
      view = await viewPerson(deps, actor, id);
    } catch (error) {
      if (error instanceof AppError && error.status < 500) {
        throw new ValidationError({ personne: error.status === 404 ? error.userMessage : NOT_FOLLOWED });
      }
      throw error;
    }
    if (!view.followedBy.includes(organisationId)) throw new ValidationError({ personne: NOT_FOLLOWED });
    live.push(view.id);
  }
  return live;
}

/** Whether the form asks to create a person or find one by code (changes the person named). */
export function namesPersonOtherwise(body: unknown): boolean {
  const b = (body && typeof body === 'object' ? body : {}) as Body;
  return one(b, 'code_personne') !== '' || one(b, 'nouvelle_personne') === 'on';
}

/**
 * The person the form names by code or as a new person (after the session's own fields were
 * checked). Runs inside the session's transaction (`db` and `deps.db` are that transaction),
 * so that a session refused later (an unknown slip, a failed insert) leaves no person behind.
 * Returns its id, or undefined when the form names the person by the list (or nobody).
 */
export async function personFromForm(
  deps: PeopleDeps,
  db: Queryable,
  actor: Actor,
  organisationId: string,
  body: unknown,
): Promise<string | undefined> {
  const b = (body && typeof body === 'object' ? body : {}) as Body;
  const code = one(b, 'code_personne');
  if (code !== '') {
    try {
      if (one(b, 'partage_consenti') === 'on') {
        return (await recordSharingConsent(deps, actor, { organisationId, code, consent: true })).id;
      }
      const found = await findPersonByCode(deps, actor, organisationId, code);
      if (!found)
        throw new ValidationError({ code_personne: 'Aucune personne n’a ce code : vérifiez-le sur sa carte.' });
      return found.id;
    } catch (error) {
      if (error instanceof AppError && error.code === 'sharing_consent_required') {
        throw new ValidationError({
          code_personne: `${error.userMessage} Cochez « La personne accepte » si elle est d’accord.`,
        });
      }
      if (error instanceof ValidationError && error.fieldErrors.code) {
        throw new ValidationError({ code_personne: error.fieldErrors.code });
      }
      if (error instanceof AppError && error.status === 404)
        throw new ValidationError({ code_personne: error.userMessage });
      throw error;
    }
  }
  if (one(b, 'nouvelle_personne') !== 'on') return undefined;
  const commune = one(b, 'personne_commune');
  const homeless = one(b, 'personne_sans_domicile') === 'on';
  let residence: Record<string, string>;
  if (homeless) residence = { kind: 'sans_domicile_stable' };
  else {
    const found = commune ? await resolveLocation(db, commune.slice(0, 100)) : undefined;
    if (!found || found.kind !== 'found' || found.codesInsee.length === 0) {
      throw new ValidationError({
        personne_commune: commune
          ? 'Commune inconnue ou ambiguë : saisissez le code postal.'
          : 'Indiquez la commune de résidence, ou cochez « Sans domicile stable ».',
      });
    }
    residence = { kind: 'commune', inseeCode: found.codesInsee[0] as string };
  }
  const year = one(b, 'personne_annee');
  try {
    const person = await createPersonWithin(db, deps, actor, {
      organisationId,
      displayName: one(b, 'personne_nom'),
      ...(year ? { birthYear: /^\d{4}$/.test(year) ? Number(year) : year } : {}),
      ...(one(b, 'personne_tranche') ? { ageBand: one(b, 'personne_tranche') } : {}),
      residence,
    });
    return person.id;
  } catch (error) {
    if (error instanceof ValidationError) {
      const fields: Record<string, string> = {};
      for (const [k, v] of Object.entries(error.fieldErrors)) {
        fields[
          k === 'displayName'
            ? 'personne_nom'
            : k === 'birthYear'
              ? 'personne_annee'
              : k === 'ageBand'
                ? 'personne_tranche'
                : 'personne_nom'
        ] ??= v;
      }
      throw new ValidationError(fields);
    }
    throw error;
  }
}

/** The people a structure follows, for the form's list (at most 50; a query narrows it). */
export async function followedPeople(
  deps: PeopleDeps,
  actor: Actor,
  organisationId: string,
  query: string,
): Promise<PersonView[]> {
  try {
    return await listPeopleFollowedBy(deps, actor, organisationId, query ? { query } : {});
  } catch (error) {
    if (error instanceof AppError && error.status < 500) return [];
    throw error;
  }
}
