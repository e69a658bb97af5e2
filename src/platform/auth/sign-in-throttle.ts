/**
 * Sign-in throttling (issue 9), in the database so that it survives a restart and every app
 * instance sees the same counts: at most `perAccount` failed attempts (wrong password, wrong
 * second-factor code) per account in 15 minutes, and `perAddress` per client address — well
 * above, so that one person does not lock out a whole office behind one address. Then 429
 * « Trop de tentatives… » saying when to try again.
 *
 * Subjects are stored as an HMAC (SECRET_KEY): neither e-mail addresses nor IP addresses are
 * kept. Unknown accounts are counted like real ones: the answer says nothing about which exist.
 */
import { createHmac } from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { Queryable } from '../db/database.ts';
import { TooManyRequestsError } from '../http/errors.ts';
import { parisTime } from '../print/paris-time.ts';

export const SIGN_IN_WINDOW_MS = 15 * 60_000;

export interface SignInThrottle {
  /** Throws 429 when the account or the address has failed too often lately. */
  assertAllowed(attempt: SignInAttempt): Promise<void>;
  /** Counts one failure against the account and the address. */
  recordFailure(q: Queryable, attempt: SignInAttempt): Promise<void>;
}

export interface SignInAttempt {
  /** The account tried: its normalised e-mail address, known or not. */
  account: string;
  /** The client address (request.ip). */
  address: string;
}

export class SignInThrottledError extends TooManyRequestsError {
  readonly retryAfterSeconds: number;
  constructor(
    readonly retryAt: Date,
    now: Date,
  ) {
    super(
      `Trop de tentatives de connexion. Par sécurité, réessayez à partir de ${parisTime(retryAt).replace(':', ' h ')}.`,
    );
    this.retryAfterSeconds = Math.max(1, Math.ceil((retryAt.getTime() - now.getTime()) / 1000));
  }
}

export function createSignInThrottle(options: {
  db: Queryable;
  clock: Clock;
  secretKey: string;
  perAccount: number;
  perAddress: number;
}): SignInThrottle {
  const { db, clock } = options;
  const subject = (kind: string, value: string) =>
    createHmac('sha256', options.secretKey).update(`passerelle/sign-in-throttle/${kind}/${value}`).digest('base64url');
  const subjects = (a: SignInAttempt) => [
    { key: subject('compte', a.account.trim().toLowerCase()), max: options.perAccount },
    { key: subject('adresse', a.address), max: options.perAddress },
  ];

  return {
    async assertAllowed(attempt) {
      const now = clock();
      const since = new Date(now.getTime() - SIGN_IN_WINDOW_MS);
      for (const { key, max } of subjects(attempt)) {
        // The failure that, once out of the window, lets the next attempt through.
        const rows = await db.query<{ failed_at: Date }>(
          `SELECT failed_at FROM sign_in_failures WHERE subject = $1 AND failed_at > $2
           ORDER BY failed_at DESC OFFSET $3 LIMIT 1`,
          [key, since, max - 1],
        );
        const blocking = rows[0];
        if (blocking)
          throw new SignInThrottledError(new Date(new Date(blocking.failed_at).getTime() + SIGN_IN_WINDOW_MS), now);
      }
    },
    async recordFailure(q, attempt) {
      const now = clock();
      for (const { key } of subjects(attempt)) {
        await q.query('DELETE FROM sign_in_failures WHERE subject = $1 AND failed_at <= $2', [
          key,
          new Date(now.getTime() - SIGN_IN_WINDOW_MS),
        ]);
        await q.query('INSERT INTO sign_in_failures (subject, failed_at) VALUES ($1, $2)', [key, now]);
      }
    },
  };
}

/** Failures older than the window are of no use: the retention purge removes them. */
export async function purgeSignInFailures(q: Queryable, now: Date): Promise<number> {
  const gone = await q.query('DELETE FROM sign_in_failures WHERE failed_at <= $1 RETURNING id', [
    new Date(now.getTime() - SIGN_IN_WINDOW_MS),
  ]);
  return gone.length;
}
