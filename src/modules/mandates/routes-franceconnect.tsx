/**
 * Identification of a person with FranceConnect (the registry's relying party, platform/identity):
 * for a new mandate on the helper's device, or for the person's own « Mes mandats ».
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { RuleError } from '../../platform/http/errors.ts';
import { FRANCECONNECT_CLAIMS } from '../../platform/identity/registry.ts';
import type { AuthorizationChecks, RelyingParty } from '../../platform/identity/relying-party.ts';
import type { MandatesDeps } from './deps.ts';
import { identifyUsager } from './manage-mandates.ts';

const FC_COOKIE = 'pa_fc';
export const USAGER_COOKIE = 'pa_usager';
export const IDENTIFIED_COOKIE = 'pa_mandat_usager';
const USAGER_MINUTES = 30;

export type Purpose = 'mandat' | 'mes-mandats';

export function cookieOptions(secure: boolean, maxAge: number) {
  return { path: '/', httpOnly: true, sameSite: 'lax' as const, secure, signed: true, maxAge };
}

export function readSigned<T>(request: FastifyRequest, name: string): T | undefined {
  const raw = request.cookies[name];
  const unsigned = raw ? request.unsignCookie(raw) : undefined;
  if (!unsigned?.valid || !unsigned.value) return undefined;
  try {
    return JSON.parse(unsigned.value) as T;
  } catch {
    return undefined;
  }
}

/** The person signed in to « Mes mandats » (30 minutes), if any. */
export function usagerOf(request: FastifyRequest, now: Date): string | undefined {
  const saved = readSigned<{ usagerId: string; until: number }>(request, USAGER_COOKIE);
  return saved && saved.until > now.getTime() ? saved.usagerId : undefined;
}

export function franceConnectRoutes(
  app: FastifyInstance,
  opts: { deps: MandatesDeps; franceConnect: RelyingParty | undefined; secure: boolean },
) {
  const { deps, franceConnect, secure } = opts;

  app.get('/franceconnect/connexion', async (request, reply) => {
    if (!franceConnect)
      throw new RuleError('franceconnect_missing', "L'identification FranceConnect n'est pas configurée.", 404);
    const pour: Purpose = (request.query as Record<string, unknown>).pour === 'mes-mandats' ? 'mes-mandats' : 'mandat';
    let started: Awaited<ReturnType<RelyingParty['start']>>;
    try {
      started = await franceConnect.start();
    } catch (error) {
      request.log.warn({ err: { message: (error as Error).message } }, 'franceconnect unreachable');
      reply.flash('error', `${franceConnect.label} ne répond pas pour l'instant. Réessayez dans quelques minutes.`);
      return reply.redirect(pour === 'mes-mandats' ? '/mes-mandats' : '/mandats', 303);
    }
    const { url, checks } = started;
    reply.setCookie(FC_COOKIE, JSON.stringify({ ...checks, pour }), cookieOptions(secure, 600));
    return reply.redirect(url, 303);
  });

  app.get(
    '/franceconnect/retour',
    { config: { writesOnGet: 'OpenID Connect callback: the identified person is stored' } },
    async (request: FastifyRequest, reply: FastifyReply) => {
      const saved = readSigned<AuthorizationChecks & { pour: Purpose }>(request, FC_COOKIE);
      reply.clearCookie(FC_COOKIE, { path: '/' });
      const back = saved?.pour === 'mes-mandats' ? '/mes-mandats' : '/mandats/nouveau';
      if (!saved || !franceConnect) {
        reply.flash('error', "L'identification a expiré. Recommencez.");
        return reply.redirect(back, 303);
      }
      let usagerId: string;
      try {
        const claims = await franceConnect.finish(new URL(request.url, deps.publicUrl), saved, FRANCECONNECT_CLAIMS);
        usagerId = await identifyUsager(deps, franceConnect.settings.issuer, claims);
      } catch (error) {
        request.log.warn({ err: { message: (error as Error).message } }, 'franceconnect identification failed');
        reply.flash(
          'error',
          error instanceof RuleError
            ? error.userMessage
            : `L'identification avec ${franceConnect.label} n'a pas abouti. Réessayez.`,
        );
        return reply.redirect(back, 303);
      }
      if (saved.pour === 'mes-mandats') {
        const until = deps.clock().getTime() + USAGER_MINUTES * 60_000;
        reply.setCookie(USAGER_COOKIE, JSON.stringify({ usagerId, until }), cookieOptions(secure, USAGER_MINUTES * 60));
        return reply.redirect('/mes-mandats', 303);
      }
      reply.setCookie(IDENTIFIED_COOKIE, JSON.stringify({ usagerId }), cookieOptions(secure, 1200));
      return reply.redirect('/mandats/nouveau/confirmer', 303);
    },
  );
}
