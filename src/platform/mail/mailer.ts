/**
 * E-mail goes through nodemailer: to the SMTP server of SMTP_URL, or — outside production
 * when none is configured — into the development mailbox (a table shown at /dev/boite-mail),
 * so that no message is ever silently dropped.
 */
import type { Transporter } from 'nodemailer';
import type { Queryable } from '../db/database.ts';
import type { PurgeDefinition } from '../jobs/jobs.ts';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  readonly kind: 'smtp' | 'dev-mailbox';
  send(message: MailMessage): Promise<void>;
  close(): void;
}

/**
 * A transport made at the first message: nodemailer takes about 0.2 s of CPU to load, which a
 * restart need not spend before it answers (issue 12, bench/startup.ts).
 */
function lazyTransport(options: string | Record<string, unknown>) {
  let transport: Promise<Transporter> | undefined;
  let made: Transporter | undefined;
  return {
    get(): Promise<Transporter> {
      transport ??= import('nodemailer').then((m) => {
        made = m.default.createTransport(options);
        return made;
      });
      return transport;
    },
    close: () => made?.close(),
  };
}

export function createSmtpMailer(smtpUrl: string, from: string): Mailer {
  const transport = lazyTransport(smtpUrl);
  return {
    kind: 'smtp',
    async send(m) {
      await (await transport.get()).sendMail({ from, to: m.to, subject: m.subject, text: m.text });
    },
    close: () => transport.close(),
  };
}

export function createDevMailboxMailer(db: Queryable, from: string): Mailer {
  const transport = lazyTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    kind: 'dev-mailbox',
    async send(m) {
      const info = await (await transport.get()).sendMail({ from, to: m.to, subject: m.subject, text: m.text });
      const raw = (info.message as Buffer).toString('utf8');
      await db.query('INSERT INTO dev_mailbox (recipient, subject, text_body, raw) VALUES ($1, $2, $3, $4)', [
        m.to,
        m.subject,
        m.text,
        raw,
      ]);
    },
    close: () => transport.close(),
  };
}

export interface DevMail {
  id: number;
  sentAt: Date;
  recipient: string;
  subject: string;
  text: string;
}

export async function listDevMailbox(db: Queryable, limit = 50): Promise<DevMail[]> {
  const rows = await db.query<{ id: number; sent_at: Date; recipient: string; subject: string; text_body: string }>(
    'SELECT id, sent_at, recipient, subject, text_body FROM dev_mailbox ORDER BY id DESC LIMIT $1',
    [limit],
  );
  return rows.map((r) => ({
    id: r.id,
    sentAt: r.sent_at,
    recipient: r.recipient,
    subject: r.subject,
    text: r.text_body,
  }));
}

/** The development mailbox keeps messages 30 days. */
export const devMailboxPurge: PurgeDefinition = {
  description: 'messages de la boîte de développement reçus il y a plus de 30 jours',
  purge: async (tx, now) =>
    (
      await tx.query('DELETE FROM dev_mailbox WHERE sent_at < $1 RETURNING id', [
        new Date(now.getTime() - 30 * 86_400_000),
      ])
    ).length,
};
