/**
 * Signed-in agents without going through the sign-in form: a session row created directly
 * (second factor already given), its cookie set on a fresh Agent, and the CSRF token of a
 * first page read. For tests about what an account may do, not about how it signs in.
 */
import type { FastifyInstance } from 'fastify';
import type { Config } from '../../src/config.ts';
import { SESSION_COOKIE } from '../../src/platform/auth/auth-plugin.ts';
import { createSession } from '../../src/platform/auth/session-store.ts';
import type { Clock } from '../../src/platform/clock.ts';
import type { Queryable } from '../../src/platform/db/database.ts';
import { Agent } from './agent.ts';

export async function signedInAgent(
  env: { app: FastifyInstance; db: Queryable; clock: Clock; config: Config },
  userId: string,
  firstPage = '/espace',
): Promise<Agent> {
  const { token } = await createSession(env.db, env.clock, env.config.session, {
    userId,
    authMethod: 'test',
    device: 'test',
    secondFactorDone: true,
  });
  const agent = new Agent(env.app);
  agent.setCookie(SESSION_COOKIE, token);
  await agent.get(firstPage);
  return agent;
}
