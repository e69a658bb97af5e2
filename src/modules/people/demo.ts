/**
 * Demo people, created through the use cases (journaled) by demo accounts of both territories:
 * the Médiathèque du Port and the CCAS in the Var (83), the Espace numérique d'Avignon in
 * Vaucluse (84). Display names say « démo ». One likely duplicate, for the merge page.
 */
import type { Actor } from '../../platform/auth/actor.ts';
import { communeName } from '../lieux/index.ts';
import { createPerson } from './create-person.ts';
import type { PeopleDeps } from './deps.ts';
import { recordSharingConsent } from './find-person.ts';

export interface PeopleDemoActors {
  /** A helper of the Médiathèque du Port (Var). */
  mediatheque: { actor: Actor; organisationId: string };
  /** A prescripteur of the CCAS (Var). */
  ccas: { actor: Actor; organisationId: string };
  /** The responsable of the Espace numérique d'Avignon (Vaucluse). */
  avignon: { actor: Actor; organisationId: string };
}

const TOULON = '83137';
const AVIGNON = '84007';

export async function seedPeopleDemo(deps: PeopleDeps, who: PeopleDemoActors): Promise<string> {
  const at = (w: { actor: Actor; organisationId: string }, facts: Record<string, unknown>) =>
    createPerson(deps, w.actor, { organisationId: w.organisationId, ...facts });
  const zoe = await at(who.mediatheque, {
    displayName: 'Zoé (démo)',
    birthYear: 1956,
    residence: { kind: 'commune', inseeCode: TOULON },
    situation: 'Retraité',
  });
  // The same person entered again by another helper: a likely duplicate.
  await at(who.mediatheque, {
    displayName: 'ZOE (demo)',
    birthYear: 1956,
    residence: { kind: 'commune', inseeCode: TOULON },
  });
  await at(who.mediatheque, {
    displayName: 'Karim (démo)',
    ageBand: '25-39 ans',
    residence: { kind: 'sans_domicile_stable' },
    situation: 'Sans emploi',
  });
  const ccas = await at(who.ccas, {
    displayName: 'Mme L. (démo)',
    birthYear: 1971,
    residence: { kind: 'domiciliation', inseeCode: TOULON },
    situation: 'Sans emploi',
    contact: { phone: '06 00 00 00 01', consent: { purpose: 'Rappel des rendez-vous à la médiathèque' } },
  });
  // Mme L. went on to the médiathèque with her card and agreed to share her record.
  await recordSharingConsent(deps, who.mediatheque.actor, {
    organisationId: who.mediatheque.organisationId,
    code: ccas.code,
    consent: true,
  });
  // Avignon, when the gazetteer loaded holds it (cut-down demo files may hold the Var only).
  const avignonKnown = (await communeName(deps.db, AVIGNON)) !== undefined;
  await at(who.avignon, {
    displayName: 'Gérard (démo)',
    birthYear: 1948,
    residence: avignonKnown ? { kind: 'commune', inseeCode: AVIGNON } : { kind: 'domiciliation' },
    situation: 'Retraité',
  });
  await at(who.avignon, {
    displayName: 'S. B. (démo)',
    ageBand: '18-24 ans',
    residence: { kind: 'domiciliation' },
    situation: 'Scolarisé',
  });
  return `Personnes accompagnées : 6 fiches de démonstration (dont ${zoe.displayName}, code ${zoe.code}).`;
}
