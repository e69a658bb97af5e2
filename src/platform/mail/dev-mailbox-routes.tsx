/** The development mailbox: what would have been e-mailed, readable in the browser. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Database } from '../db/database.ts';
import { outsideReadOnly } from '../db/read-only-gets.ts';
import { NotFoundError } from '../http/errors.ts';
import { formatDateTime } from '../print/index.ts';
import { listDevMailbox } from './mailer.ts';

/** Links in the text become clickable, so a developer can follow an invitation. */
function linkify(text: string) {
  return text.split(/(https?:\/\/\S+)/g).map((part) => (/^https?:\/\//.test(part) ? <a href={part}>{part}</a> : part));
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/;

/**
 * Only for the developer's own machine — the client and the connection both loopback — or a
 * signed-in platform administrator (issue 9: anyone reaching a development server read every
 * invitation and password-reset link). Others get the ordinary 404.
 */
export function mayReadDevMailbox(request: FastifyRequest): boolean {
  if (request.actor?.isPlatformAdmin) return true;
  return LOOPBACK.test(request.ip) && LOOPBACK.test(request.raw.socket?.remoteAddress ?? '');
}

export function devMailboxRoutes(app: FastifyInstance, opts: { db: Database }) {
  app.get('/dev/boite-mail', async (request, reply) => {
    if (!mayReadDevMailbox(request)) throw new NotFoundError();
    // Deliver what is waiting first, so that a mail just scheduled is already here. The delivery
    // writes (the outbox's claims): it is the outbox's own work, outside this GET's read-only scope.
    await outsideReadOnly(() => app.outbox.drain());
    const mails = await listDevMailbox(opts.db);
    return reply.page(
      { title: 'Boîte mail de développement', noindex: true },
      <>
        <h1>Boîte mail de développement</h1>
        <div class="fr-notice fr-notice--info fr-mb-4w">
          <div class="fr-container">
            <div class="fr-notice__body">
              <p class="fr-notice__title">
                Aucun serveur SMTP n'est configuré : les e-mails sont gardés ici au lieu d'être envoyés. Cette page
                n'existe pas en production.
              </p>
            </div>
          </div>
        </div>
        {mails.length === 0 ? <p>Aucun message pour l'instant.</p> : null}
        {mails.map((m) => (
          <article class="fr-mb-4w" data-testid="dev-mail">
            <h2 class="fr-h5">{m.subject}</h2>
            <p class="fr-text--sm">
              À : {m.recipient} — {formatDateTime(m.sentAt)}
            </p>
            <pre class="pa-mail">{linkify(m.text)}</pre>
          </article>
        ))}
      </>,
    );
  });
}
