/**
 * Finding a person by the code on their card, and recording their consent to share their
 * record with one more structure (issue 14: « sharing the record with another structure
 * requires the person's consent, recorded »).
 */
import { z } from 'zod';
import { type Actor, accountIdOf } from '../../platform/auth/actor.ts';
import { authorize } from '../../platform/auth/policy.ts';
import { NotFoundError, RuleError, ValidationError } from '../../platform/http/errors.ts';
import { checkbox, parseInput } from '../../platform/http/validation.ts';
import { appendJournal } from '../../platform/journal/journal.ts';
import type { PeopleDeps } from './deps.ts';
import { addFollow, findContact, findPersonByCanonicalCode, followersOf } from './people-repository.ts';
import { personCodes } from './person-code.ts';
import { type PersonView, toPersonView } from './person-view.ts';
import { peoplePolicy } from './policies.ts';
import { ERASED_MESSAGE, liveRecord, logAccess } from './view-person.ts';

/** A typed code, canonical; a typo gets the scheme's French explanation. */
function parseCode(code: unknown): string {
  const parsed = personCodes.parse(typeof code === 'string' ? code.slice(0, 100) : '');
  if (!parsed.ok) throw new ValidationError({ code: parsed.message });
  return parsed.code;
}

export const SHARING_CONSENT_REQUIRED =
  'Cette personne est suivie par une autre structure. Avec son accord, enregistrez son consentement au partage de son dossier avec la vôtre.';

/**
 * The person whose card carries this code, for a structure that follows them: null when no
 * record has this code (or it was erased). A structure that does not follow the person gets a
 * RuleError `sharing_consent_required` and nothing changes: it must first record the person's
 * consent (recordSharingConsent). The look-up is written in the person's access journal.
 */
export async function findPersonByCode(
  deps: PeopleDeps,
  actor: Actor | undefined,
  organisationId: string,
  code: string,
): Promise<PersonView | null> {
  authorize(actor, peoplePolicy.findByCode, { id: organisationId });
  const canonical = parseCode(code);
  const found = await findPersonByCanonicalCode(deps.db, canonical);
  const person = found ? await liveRecord(deps.db, found.id) : undefined;
  if (!person || person === 'erased') return null;
  const followers = await followersOf(deps.db, person.id);
  if (!followers.includes(organisationId)) throw new RuleError('sharing_consent_required', SHARING_CONSENT_REQUIRED);
  await logAccess(deps, actor, person.id, organisationId, 'recherche_par_code');
  return toPersonView(deps.db, deps.clock, actor, person, {
    followers,
    hasContact: (await findContact(deps.db, person.id)) !== undefined,
  });
}

const consentSchema = z.object({
  organisationId: z.string({ message: 'Choisissez une structure.' }).uuid('Choisissez une structure.'),
  code: z.string({ message: 'Saisissez le code de la personne.' }),
  consent: checkbox().refine((v) => v, 'Cochez la case pour confirmer que la personne a donné son accord.'),
});

/**
 * Records that the person, present with their card, agrees that this structure follows them
 * too (who recorded it, when, for which structure): the structure then follows the person.
 */
export async function recordSharingConsent(
  deps: PeopleDeps,
  actor: Actor | undefined,
  input: unknown,
): Promise<PersonView> {
  const v = parseInput(consentSchema, input);
  authorize(actor, peoplePolicy.findByCode, { id: v.organisationId });
  const canonical = parseCode(v.code);
  return deps.db.transaction(async (tx) => {
    const found = await findPersonByCanonicalCode(tx, canonical);
    const person = found ? await liveRecord(tx, found.id, { lock: true }) : undefined;
    if (person === 'erased') throw new NotFoundError(ERASED_MESSAGE);
    if (!person) throw new NotFoundError('Aucune personne n’a ce code : vérifiez-le sur sa carte.');
    authorize(actor, peoplePolicy.findByCode, { id: v.organisationId });
    const now = deps.clock();
    const added = await addFollow(tx, {
      personId: person.id,
      organisationId: v.organisationId,
      since: now,
      byUserId: accountIdOf(actor),
      basis: 'consentement_partage',
    });
    if (added) {
      await appendJournal(tx, deps.clock, {
        action: 'personne.partage_consenti',
        actorUserId: accountIdOf(actor),
        organisationId: v.organisationId,
        targetType: 'personne',
        targetId: person.id,
        details: { structure: v.organisationId },
      });
    }
    return toPersonView(tx, deps.clock, actor, person, {
      followers: await followersOf(tx, person.id),
      hasContact: (await findContact(tx, person.id)) !== undefined,
    });
  });
}
