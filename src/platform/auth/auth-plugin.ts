/**
 * Reads the session cookie on each request and sets `request.actor` through the loader the
 * accounts module provides (wired in app.ts, so that the platform never imports a module).
 * A session whose second factor is still expected sets `request.pendingSecondFactor` only.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../../config.ts';
import type { Clock } from '../clock.ts';
import type { Database } from '../db/database.ts';
import { AppError, UnauthenticatedError } from '../http/errors.ts';
import { isSecure } from '../http/http-platform.ts';
import { type Actor, requiresSecondFactor } from './actor.ts';
import {
  createSession,
  deleteSession,
  describeDevice,
  findLiveSession,
  purgeEndedSessions,
  type Session,
} from './session-store.ts';

export const SESSION_COOKIE = 'pa_session';

export interface LoadedUser {
  actor: Omit<Actor, 'sessionId'>;
  /** The user has enrolled a second factor, so a session must pass it before acting. */
  secondFactorEnrolled: boolean;
}

export type ActorLoader = (userId: string) => Promise<LoadedUser | undefined>;

declare module 'fastify' {
  interface FastifyRequest {
    session?: Session;
    actor?: Actor;
    /** Signed in with a password, second factor not given yet. */
    pendingSecondFactor?: { userId: string; session: Session };
  }
  interface FastifyReply {
    startSession(input: { userId: string; authMethod: string; secondFactorDone: boolean }): Promise<Session>;
    endSession(): Promise<void>;
  }
}

/** The second factor must be set up before doing anything else. */
export class SecondFactorEnrolmentRequired extends AppError {
  constructor() {
    super(
      'second_factor_required',
      403,
      'Votre rôle demande une double authentification. Configurez-la pour continuer.',
    );
  }
}

/** The signed-in actor, or a 401/enrolment error that the error handler turns into a redirect. */
export function requireActor(request: FastifyRequest, options: { allowMissingSecondFactor?: boolean } = {}): Actor {
  const actor = request.actor;
  if (!actor) throw new UnauthenticatedError();
  if (!options.allowMissingSecondFactor && requiresSecondFactor(actor) && !actor.hasSecondFactor) {
    throw new SecondFactorEnrolmentRequired();
  }
  return actor;
}

async function authPlugin(
  app: FastifyInstance,
  opts: { config: Config; db: Database; clock: Clock; loadUser: ActorLoader },
) {
  const { config, db, clock, loadUser } = opts;
  const policy = config.session;
  const cookieOptions = {
    path: '/',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: isSecure(config),
  };

  app.jobs.registerPurge('sessions.purge', {
    description: 'sessions terminées (expirées ou inactives)',
    purge: (tx, now) => purgeEndedSessions(tx, () => now, policy),
  });

  app.decorateRequest('session', undefined);
  app.decorateRequest('actor', undefined);
  app.decorateRequest('pendingSecondFactor', undefined);

  async function loadSession(request: FastifyRequest, reply: FastifyReply, token: string): Promise<void> {
    const session = await findLiveSession(db, clock, policy, token);
    if (!session) {
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return;
    }
    const loaded = await loadUser(session.userId);
    if (!loaded) {
      await deleteSession(db, session.idHash);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return;
    }
    request.session = session;
    if (loaded.secondFactorEnrolled && !session.secondFactorAt) {
      request.pendingSecondFactor = { userId: session.userId, session };
      return;
    }
    request.actor = { ...loaded.actor, sessionId: session.idHash };
  }

  // Synchronous when there is no session cookie (assets, API calls with a token, visitors).
  app.addHook('onRequest', (request, reply, done) => {
    const token = request.url.startsWith('/assets/') ? undefined : request.cookies[SESSION_COOKIE];
    if (!token) return done();
    loadSession(request, reply, token).then(() => done(), done);
  });

  app.decorateReply(
    'startSession',
    async function startSession(
      this: FastifyReply,
      input: { userId: string; authMethod: string; secondFactorDone: boolean },
    ) {
      // A new secret on every sign-in: a session id known before login is worthless after.
      if (this.request.session) await deleteSession(db, this.request.session.idHash);
      const { token, session } = await createSession(db, clock, policy, {
        ...input,
        device: describeDevice(this.request.headers['user-agent']),
      });
      this.setCookie(SESSION_COOKIE, token, { ...cookieOptions, maxAge: policy.maxHours * 3600 });
      this.request.session = session;
      return session;
    },
  );

  app.decorateReply('endSession', async function endSession(this: FastifyReply) {
    if (this.request.session) await deleteSession(db, this.request.session.idHash);
    this.clearCookie(SESSION_COOKIE, { path: '/' });
    this.request.session = undefined;
    this.request.actor = undefined;
  });
}

export default fp(authPlugin, { name: 'auth', dependencies: ['jobs'] });
