/**
 * The data step of migration 0131 (ADR 0018): each booklet handed over before it carries its
 * beneficiary as JSON; each becomes a person of the person model, followed by the distributing
 * structure since the hand-over, every fact kept (age band and situation as asked, commune),
 * the needs moved to the booklet, the JSON emptied. Runs at start-up, in batches, each batch
 * one transaction with its journal entries; rows are locked (SKIP LOCKED), so that several
 * instances starting together never migrate a booklet twice. Idempotent: nothing left, nothing done.
 */
import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import { appendJournal } from '../../platform/journal/journal.ts';
import { importPassBeneficiary } from '../people/index.ts';
import { attachMigratedPerson, legacyBeneficiaries } from './programmes-repository.ts';

const BATCH = 200;

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

export async function migrateLegacyBeneficiaries(db: Database, clock: Clock): Promise<number> {
  let migrated = 0;
  for (;;) {
    const count = await db.transaction(async (tx) => {
      const booklets = await legacyBeneficiaries(tx, BATCH);
      for (const b of booklets) {
        const facts = b.beneficiary;
        const personId = await importPassBeneficiary(tx, clock, {
          organisationId: b.distributor_organisation_id,
          bookletNumber: b.number,
          distributedAt: b.distributed_at,
          distributedBy: b.distributed_by,
          ageBand: text(facts.tranche_age),
          communeInsee: text(facts.commune_insee),
          situation: text(facts.situation),
        });
        const needs = Array.isArray(facts.besoins) ? facts.besoins.filter((n) => typeof n === 'string') : [];
        await attachMigratedPerson(tx, b.id, personId, needs);
      }
      if (booklets.length > 0) {
        await appendJournal(tx, clock, {
          action: 'pass.beneficiaires_migres',
          details: { carnets: booklets.length, migration: '0131' },
        });
      }
      return booklets.length;
    });
    migrated += count;
    if (count < BATCH) return migrated;
  }
}
