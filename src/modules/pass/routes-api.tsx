/**
 * Redemption API for other software, authenticated by an organisation's bearer token, with an
 * Idempotency-Key so that a retried request returns the original success.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireActor } from '../../platform/auth/auth-plugin.ts';
import { AppError, UnauthenticatedError } from '../../platform/http/errors.ts';
import { errorSentence, formError } from '../../platform/http/forms.ts';
import { formatDateTime } from '../../platform/print/index.ts';
import { Breadcrumb, InputField, PostForm } from '../../platform/views/components.tsx';
import { type ApiTokenCredential, createApiToken, listApiTokens, revokeApiToken } from './api-tokens.ts';
import type { PassDeps } from './deps.ts';
import { passPolicy } from './policies.ts';
import { listQualifications } from './qualifications.ts';
import { checkVoucher, INVALID_TOKEN, redeemVoucher } from './redeem-voucher.ts';
import { voucherCheckLimit } from './voucher-check-limit.ts';

/** The bearer token sent, checked by the use case in the same read as the voucher. */
function bearer(request: FastifyRequest): ApiTokenCredential {
  const token = /^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1];
  if (!token) throw new UnauthenticatedError(INVALID_TOKEN);
  return { apiToken: token };
}

const redemptionSchema = {
  body: {
    type: 'object',
    required: ['code', 'lieu_id', 'service'],
    properties: {
      code: { type: 'string', maxLength: 40 },
      lieu_id: { type: 'string', maxLength: 200 },
      service: { type: 'string', maxLength: 200 },
    },
  },
};

const NEW_TOKEN_COOKIE = 'pa_nouveau_jeton';

export function passApiRoutes(
  app: FastifyInstance,
  opts: { deps: PassDeps; apiRateLimit: number; voucherChecksPerMinute: number },
) {
  const { deps } = opts;
  // Per token (a guessing client cannot spread over addresses), in the shared store.
  const limits = { rateLimit: voucherCheckLimit(opts.voucherChecksPerMinute), csrf: false as const };

  app.get<{ Params: { code: string }; Querystring: { lieu_id?: string } }>(
    '/api/v1/pass/cheques/:code',
    { config: limits },
    async (request) => {
      const check = await checkVoucher(deps, bearer(request), {
        code: request.params.code,
        placeId: request.query.lieu_id ?? '',
      });
      return {
        code: check.code,
        valable: true,
        programme: check.programme.name,
        valeur_centimes: check.programme.face_value_cents,
        carnet: check.bookletNumber,
        position: check.position,
        services: check.services,
      };
    },
  );

  app.post<{ Body: { code: string; lieu_id: string; service: string } }>(
    '/api/v1/pass/encaissements',
    { config: limits, schema: redemptionSchema },
    async (request, reply) => {
      const presenter = bearer(request);
      const key = request.headers['idempotency-key'];
      if (typeof key !== 'string' || key.length === 0) {
        throw new AppError(
          'idempotency_key_required',
          400,
          'En-tête Idempotency-Key obligatoire : une valeur unique par encaissement, réutilisée si vous renvoyez la même demande.',
        );
      }
      const result = await redeemVoucher(deps, presenter, {
        code: request.body.code,
        placeId: request.body.lieu_id,
        service: request.body.service,
        idempotencyKey: key,
        channel: 'api',
      });
      reply.status(result.replayed ? 200 : 201);
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      return {
        id: result.redemption.id,
        code: result.redemption.voucher_code,
        lieu_id: result.redemption.place_id,
        service: result.redemption.service,
        montant_centimes: result.redemption.amount_cents,
        encaisse_le: result.redemption.redeemed_at.toISOString(),
        rejoue: result.replayed,
      };
    },
  );

  app.get('/pass/jetons', async (request, reply) => {
    const actor = requireActor(request);
    const orgs = actor.memberships.filter((m) => passPolicy.manageApiTokens(actor, { id: m.organisationId }));
    const csrf = reply.pageContext().csrfToken;
    const lists = await Promise.all(
      orgs.map(async (m) => ({
        org: m,
        tokens: await listApiTokens(deps.db, m.organisationId),
        places: await listQualifications(deps.db, { organisationId: m.organisationId, status: 'qualified' }),
      })),
    );
    return reply.page(
      { title: 'Jetons API Pass numérique', noindex: true },
      <>
        <Breadcrumb items={[{ label: 'Mon espace', href: '/espace' }, { label: 'Jetons API' }]} />
        <h1>Jetons d’accès à l’API d’encaissement</h1>
        <p>
          Pour un logiciel qui encaisse des chèques à la place de la page « Encaisser ». Le jeton n’est affiché qu’une
          fois.
        </p>
        <details class="fr-mb-3w">
          <summary>Comment le logiciel encaisse un chèque</summary>
          <ol>
            <li>
              Vérifier le chèque : <code>GET /api/v1/pass/cheques/CODE?lieu_id=LIEU</code> avec l’en-tête{' '}
              <code>Authorization: Bearer JETON</code>. La réponse donne, dans <code>services</code>, les valeurs de
              service acceptées pour ce chèque dans ce lieu.
            </li>
            <li>
              Encaisser : <code>POST /api/v1/pass/encaissements</code> avec le même en-tête, un en-tête{' '}
              <code>Idempotency-Key</code> unique par encaissement (le même si la demande est renvoyée) et le contenu
              JSON <code>{'{ "code": "…", "lieu_id": "…", "service": "…" }'}</code>.
            </li>
          </ol>
          <p>
            Réponses : <code>201</code> pour un encaissement, <code>200</code> quand la même demande est renvoyée (rien
            n’est compté deux fois). Un refus est un document <code>application/problem+json</code> : <code>code</code>{' '}
            (par exemple <code>code_typo</code>, <code>unknown_code</code>, <code>already_used</code>,{' '}
            <code>expired</code>, <code>service_not_covered</code>) et <code>title</code>, la raison en français à
            montrer à la personne.
          </p>
        </details>
        {lists.map(({ org, tokens, places }) => (
          <>
            <h2 class="fr-h4">{org.organisationName}</h2>
            {places.length > 0 ? (
              <p class="fr-text--sm">
                Lieux habilités (valeur de <code>lieu_id</code>) :{' '}
                {places.map((q, i) => (
                  <>
                    {i > 0 ? ', ' : ''}
                    {q.place_name} : <code>{q.place_id}</code>
                  </>
                ))}
              </p>
            ) : (
              <p class="fr-text--sm">Aucun lieu de cette structure n’est encore habilité au Pass numérique.</p>
            )}
            <ul>
              {tokens.map((t) => (
                <li>
                  {t.name} — créé le {formatDateTime(t.created_at)}
                  {t.revoked_at
                    ? ' — révoqué'
                    : t.last_used_at
                      ? ` — utilisé le ${formatDateTime(t.last_used_at)}`
                      : ' — jamais utilisé'}
                  {t.revoked_at ? null : (
                    <PostForm
                      action={`/pass/jetons/${org.organisationId}/${t.id}/revoquer`}
                      csrf={csrf}
                      class="pa-inline-form"
                    >
                      <button class="fr-btn fr-btn--sm fr-btn--tertiary-no-outline fr-ml-1w" type="submit">
                        Révoquer « {t.name} »
                      </button>
                    </PostForm>
                  )}
                </li>
              ))}
            </ul>
            <PostForm action={`/pass/jetons/${org.organisationId}`} csrf={csrf}>
              <InputField name="name" label="Nom du logiciel" maxLength={100} />
              <button class="fr-btn fr-btn--secondary" type="submit">
                Créer un jeton
              </button>
            </PostForm>
          </>
        ))}
      </>,
    );
  });

  // Post/redirect/get: the new token travels once, in a short-lived signed cookie read only by
  // the page that shows it, so that reloading that page never creates a second token.
  const newTokenCookie = {
    path: '/pass/jetons/nouveau',
    httpOnly: true,
    sameSite: 'strict' as const,
    signed: true,
    secure: deps.publicUrl.startsWith('https://'),
  };

  app.post<{ Params: { org: string } }>('/pass/jetons/:org', async (request, reply) => {
    const actor = requireActor(request);
    try {
      const { token } = await createApiToken(deps, actor, request.params.org, request.body);
      reply.setCookie(NEW_TOKEN_COOKIE, token, { ...newTokenCookie, maxAge: 300 });
      return reply.redirect('/pass/jetons/nouveau', 303);
    } catch (error) {
      reply.flash('error', errorSentence(formError(error)));
      return reply.redirect('/pass/jetons', 303);
    }
  });

  app.get('/pass/jetons/nouveau', async (request, reply) => {
    requireActor(request);
    const raw = request.cookies[NEW_TOKEN_COOKIE];
    const unsigned = raw ? request.unsignCookie(raw) : undefined;
    reply.clearCookie(NEW_TOKEN_COOKIE, newTokenCookie);
    if (!unsigned?.valid || !unsigned.value) {
      reply.flash(
        'info',
        'Un jeton n’est affiché qu’une fois. S’il n’a pas été copié, révoquez-le et créez-en un autre.',
      );
      return reply.redirect('/pass/jetons', 303);
    }
    return reply.page(
      { title: 'Nouveau jeton', noindex: true },
      <>
        <h1>Jeton créé</h1>
        <div class="fr-alert fr-alert--warning fr-mb-3w">
          <p>Copiez ce jeton maintenant : il ne sera plus affiché.</p>
        </div>
        <p class="pa-code" data-testid="jeton">
          {unsigned.value}
        </p>
        <a class="fr-btn" href="/pass/jetons">
          J’ai copié le jeton
        </a>
      </>,
    );
  });

  app.post<{ Params: { org: string; id: string } }>('/pass/jetons/:org/:id/revoquer', async (request, reply) => {
    const actor = requireActor(request);
    await revokeApiToken(deps, actor, request.params.org, request.params.id);
    reply.flash('success', 'Jeton révoqué : il ne fonctionne plus.');
    return reply.redirect('/pass/jetons', 303);
  });
}
