/**
 * A person's own sessions: close one (a lost phone) or all of them. Each is one transaction with
 * its journal entry; the session ids (hashes of the cookies) never go in the journal.
 */
import type { Actor } from '../../platform/auth/actor.ts';
import { deleteAllSessions, deleteSession } from '../../platform/auth/session-store.ts';
import { NotFoundError } from '../../platform/http/errors.ts';
import { appendJournal } from '../../platform/journal/journal.ts';
import type { AccountsDeps } from './deps.ts';

/** Closes one of the actor's own sessions (another person's is « not found »). */
export async function closeSession(
  deps: Pick<AccountsDeps, 'db' | 'clock'>,
  actor: Actor,
  sessionIdHash: string,
): Promise<void> {
  await deps.db.transaction(async (tx) => {
    if (!(await deleteSession(tx, sessionIdHash, actor.userId))) {
      throw new NotFoundError('Cette session est déjà fermée.');
    }
    await appendJournal(tx, deps.clock, {
      action: 'compte.session_fermee',
      actorUserId: actor.userId,
      targetType: 'utilisateur',
      targetId: actor.userId,
      details: { propre_session: sessionIdHash === actor.sessionId },
    });
  });
}

/**
 * Closes every session of a person — signed in, or still at the second factor (someone who
 * fears their password is known must be able to do it). Returns how many were closed.
 */
export async function logOutEverywhere(deps: Pick<AccountsDeps, 'db' | 'clock'>, userId: string): Promise<number> {
  return deps.db.transaction(async (tx) => {
    const closed = await deleteAllSessions(tx, userId);
    await appendJournal(tx, deps.clock, {
      action: 'compte.deconnexion_partout',
      actorUserId: userId,
      targetType: 'utilisateur',
      targetId: userId,
      details: { sessions: closed },
    });
    return closed;
  });
}
