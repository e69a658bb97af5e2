/**
 * The data step of migration 0131: a Pass numérique beneficiary recorded as JSON on a booklet
 * becomes a person followed by the distributing structure. Not a use case: no one acts — the
 * facts were recorded by the distributor when they handed the booklet over, so the follow link
 * dates from then and names them. Every fact is kept as it was asked (the Pass's own age bands
 * and situations included); the creation is journaled like any other.
 */
import type { Clock } from '../../platform/clock.ts';
import type { Queryable } from '../../platform/db/database.ts';
import { appendJournal } from '../../platform/journal/journal.ts';
import { nameKey } from './names.ts';
import { addFollow, insertPerson } from './people-repository.ts';

export interface LegacyPassBeneficiary {
  organisationId: string;
  bookletNumber: number;
  distributedAt: Date;
  distributedBy: string | null;
  ageBand: string | null;
  communeInsee: string | null;
  situation: string | null;
}

/** The display name of a Pass beneficiary: the Pass never asked for a name. */
export function passBeneficiaryName(bookletNumber: number): string {
  return `Bénéficiaire du carnet n° ${bookletNumber}`;
}

export async function importPassBeneficiary(tx: Queryable, clock: Clock, b: LegacyPassBeneficiary): Promise<string> {
  const insee = b.communeInsee && /^[0-9][0-9AB][0-9]{3}$/.test(b.communeInsee) ? b.communeInsee : null;
  const displayName = passBeneficiaryName(b.bookletNumber);
  const { id } = await insertPerson(tx, {
    displayName,
    nameKey: nameKey(displayName),
    birthYear: null,
    ageBand: b.ageBand?.trim() || null,
    // Every hand-over named a commune; one missing (never seen) is kept as « domiciliation » without commune.
    residenceKind: insee ? 'commune' : 'domiciliation',
    communeInsee: insee,
    situation: b.situation?.trim() || null,
    createdAt: b.distributedAt,
    createdByOrganisationId: b.organisationId,
  });
  await addFollow(tx, {
    personId: id,
    organisationId: b.organisationId,
    since: b.distributedAt,
    byUserId: b.distributedBy,
    basis: 'carnet_pass',
  });
  await appendJournal(tx, clock, {
    action: 'personne.creee',
    actorUserId: null,
    organisationId: b.organisationId,
    targetType: 'personne',
    targetId: id,
    details: { residence: insee ? 'commune' : 'domiciliation', coordonnees: false, origine: 'migration_carnet_pass' },
  });
  return id;
}
