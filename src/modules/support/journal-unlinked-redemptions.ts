/**
 * The data step of migration 0190 (ADR 0038): sessions recorded twice from one voucher
 * redemption (a race before the unique index) were unlinked from it by the migration, the
 * earliest one kept. SQL cannot write the journal (its rows carry a MAC keyed by SECRET_KEY),
 * so the start-up journals each of them, in the session's structure, and marks it done. Rows
 * are locked (SKIP LOCKED): instances starting together journal each one once. Idempotent.
 */
import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import { appendJournal } from '../../platform/journal/journal.ts';

const BATCH = 200;

export async function journalUnlinkedRedemptions(db: Database, clock: Clock): Promise<number> {
  let journaled = 0;
  for (;;) {
    const count = await db.transaction(async (tx) => {
      const rows = await tx.query<{
        session_id: string;
        organisation_id: string;
        redemption_id: string;
        kept_session_id: string;
      }>(
        `SELECT session_id, organisation_id, redemption_id, kept_session_id
           FROM support_session_redemption_unlinked WHERE journaled_at IS NULL
          ORDER BY unlinked_at, session_id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`,
      );
      for (const r of rows) {
        await appendJournal(tx, clock, {
          action: 'accompagnement.cheque_delie',
          organisationId: r.organisation_id,
          targetType: 'seance',
          targetId: r.session_id,
          details: { cheque: r.redemption_id, seance_gardee: r.kept_session_id, migration: '0190' },
        });
      }
      if (rows.length > 0) {
        await tx.query(
          'UPDATE support_session_redemption_unlinked SET journaled_at = $1 WHERE session_id = ANY($2::uuid[])',
          [clock(), rows.map((r) => r.session_id)],
        );
      }
      return rows.length;
    });
    journaled += count;
    if (count < BATCH) return journaled;
  }
}
