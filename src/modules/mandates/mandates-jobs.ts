/**
 * Reminders (issue 16): 30 days before a 6- or 12-month mandate expires, the structure's
 * responsables and helpers acting for others receive an e-mail (no name of the person: the
 * mandate's link). A daily schedule finds what is due and enqueues one job per mandate
 * (dedupe key = the mandate); the job marks it reminded, sends through the outbox and journals,
 * in its transaction (docs/MODULE.md §8).
 */

import type { FastifyInstance } from 'fastify';
import type { Role } from '../../platform/auth/actor.ts';
import type { Queryable } from '../../platform/db/database.ts';
import { enqueue } from '../../platform/jobs/jobs.ts';
import { appendJournal } from '../../platform/journal/journal.ts';
import { enqueue as enqueueMail } from '../../platform/outbox/outbox.ts';
import { formatDate } from '../../platform/print/index.ts';
import { findMandate, mandatesToRemind, markReminded } from './mandates-repository.ts';
import { REMINDED_ROLES } from './policies.ts';

export function registerMandateJobs(
  app: FastifyInstance,
  opts: {
    publicUrl: string;
    memberEmails: (tx: Queryable, organisationId: string, roles: readonly Role[]) => Promise<string[]>;
  },
) {
  app.jobs.schedule('mandats.find-due-reminders', { dailyAt: '08:00' }, async ({ tx, clock }) => {
    for (const m of await mandatesToRemind(tx, clock())) {
      await enqueue(tx, clock, 'mandats.send-reminder', { mandateId: m.id }, { dedupeKey: `mandat-rappel:${m.id}` });
    }
  });
  app.jobs.registerJob<{ mandateId: string }>('mandats.send-reminder', async ({ tx, payload, clock }) => {
    const mandate = await findMandate(tx, payload.mandateId, { lock: true });
    if (!mandate || mandate.revokedAt) return;
    if (!(await markReminded(tx, mandate.id, clock()))) return;
    const link = `${opts.publicUrl}/mandats/${mandate.id}`;
    for (const to of await opts.memberEmails(tx, mandate.organisationId, REMINDED_ROLES)) {
      await enqueueMail(tx, 'mail', {
        to,
        subject: 'Un mandat expire dans moins de 30 jours',
        text: `Bonjour,\n\nUn mandat de votre structure expire le ${formatDate(mandate.expiresAt)}.\nSi la personne le souhaite, renouvelez-le avec elle (sans nouvelle identification) :\n${link}\n`,
      });
    }
    await appendJournal(tx, clock, {
      action: 'mandats.rappel_expiration_envoye',
      organisationId: mandate.organisationId,
      targetType: 'mandat',
      targetId: mandate.id,
    });
  });
}
