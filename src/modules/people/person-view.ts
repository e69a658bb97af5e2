/** The plain object other modules and pages receive for a person: never a row. */
import { type Actor, isMember } from '../../platform/auth/actor.ts';
import type { Queryable } from '../../platform/db/database.ts';
import { parisToday } from '../../platform/print/index.ts';
import { communeName } from '../lieux/index.ts';
import { ageBandOf } from './deps.ts';
import type { PersonRecord } from './people-repository.ts';
import { displayPersonCode } from './person-code.ts';

export type ResidenceView =
  | { kind: 'commune'; inseeCode: string; communeName: string }
  | { kind: 'sans_domicile_stable' }
  | { kind: 'domiciliation'; inseeCode: string | null; communeName: string | null };

export interface PersonView {
  id: string;
  /** As printed on the card: `XXX-XXX-XXX`. */
  code: string;
  displayName: string;
  birthYear: number | null;
  /** The band recorded, or the referentiel's band of the birth year this year. */
  ageBand: string | null;
  residence: ResidenceView;
  situation: string | null;
  /** Contact details exist (with a recorded consent); the details themselves are not in the view. */
  hasContact: boolean;
  /** The structures following the person that the actor belongs to. */
  followedBy: string[];
  createdAt: string;
}

/** « Sans domicile stable », « Domiciliation à Toulon », « Toulon ». */
export function residenceLabel(residence: ResidenceView): string {
  if (residence.kind === 'sans_domicile_stable') return 'Sans domicile stable';
  if (residence.kind === 'domiciliation')
    return residence.communeName ? `Domiciliation à ${residence.communeName}` : 'Domiciliation';
  return residence.communeName;
}

export async function toPersonView(
  q: Queryable,
  clock: () => Date,
  actor: Actor,
  person: PersonRecord,
  facts: { followers: readonly string[]; hasContact: boolean },
): Promise<PersonView> {
  const name = person.communeInsee ? ((await communeName(q, person.communeInsee)) ?? person.communeInsee) : null;
  const residence: ResidenceView =
    person.residenceKind === 'sans_domicile_stable'
      ? { kind: 'sans_domicile_stable' }
      : person.residenceKind === 'domiciliation'
        ? { kind: 'domiciliation', inseeCode: person.communeInsee, communeName: name }
        : { kind: 'commune', inseeCode: person.communeInsee ?? '', communeName: name ?? '' };
  const year = Number(parisToday(clock).slice(0, 4));
  return {
    id: person.id,
    code: displayPersonCode(person.code),
    displayName: person.displayName ?? '',
    birthYear: person.birthYear,
    ageBand: person.ageBand ?? (person.birthYear !== null ? ageBandOf(person.birthYear, year) : null),
    residence,
    situation: person.situation,
    hasContact: facts.hasContact,
    followedBy: facts.followers.filter((id) => isMember(actor, id)),
    createdAt: person.createdAt.toISOString(),
  };
}
