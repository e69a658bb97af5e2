/**
 * Public pages: the verification page an attestation's QR code opens (never writes, initials
 * only), and « Mes mandats », where the person identified with FranceConnect sees who may act for
 * them, for what, until when, what was done, and revokes (with a revocation attestation).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { NotFoundError } from '../../platform/http/errors.ts';
import { formError } from '../../platform/http/forms.ts';
import { formatDate, formatDateTime } from '../../platform/print/index.ts';
import { ChoiceGroup, PostForm } from '../../platform/views/components.tsx';
import { attestationPdf } from './attestation.ts';
import type { MandatesDeps } from './deps.ts';
import { FAMILY_KEYS, familyTitle } from './families.ts';
import { revokeMandate } from './manage-mandates.ts';
import { activeFamilies, checkSignedReference, initialsOf, signedReference } from './mandate-rules.ts';
import { findMandate, findMandateByReference, findUsager, mandatesOfUsager, usesOf } from './mandates-repository.ts';
import { USAGER_COOKIE, usagerOf } from './routes-franceconnect.tsx';
import { statusOf } from './routes-mandates.tsx';

export function publicRoutes(
  app: FastifyInstance,
  opts: {
    deps: MandatesDeps;
    organisationName: (id: string) => Promise<string | undefined>;
    franceConnectLabel: string | undefined;
  },
) {
  const { deps } = opts;

  app.get<{ Params: { reference: string } }>('/mandats/verifier/:reference', async (request, reply) => {
    const reference = checkSignedReference(deps.secretKey, request.params.reference.slice(0, 100));
    const mandate = reference ? await findMandateByReference(deps.db, reference) : undefined;
    const now = deps.clock();
    const active = mandate ? activeFamilies(mandate, now) : [];
    const families = FAMILY_KEYS.filter((f) => active.includes(f));
    const usager = mandate ? await findUsager(deps.db, mandate.usagerId) : undefined;
    const valid = mandate !== undefined && families.length > 0;
    return reply.page(
      { title: valid ? 'Mandat valide' : "Ce mandat n'est pas valide", noindex: true },
      <>
        <h1>Vérification d'un mandat</h1>
        {valid && mandate && usager ? (
          <div class="fr-alert fr-alert--success" data-testid="verification">
            <h2 class="fr-alert__title">Ce mandat est valide</h2>
            <p>
              Personne : {initialsOf(usager.givenName, usager.familyName)} — structure :{' '}
              {(await opts.organisationName(mandate.organisationId)) ?? ''}.
            </p>
            <p>Démarches : {families.map(familyTitle).join(', ')}.</p>
            <p>Jusqu'au {formatDateTime(mandate.expiresAt)}.</p>
          </div>
        ) : (
          <div class="fr-alert fr-alert--error" data-testid="verification">
            <h2 class="fr-alert__title">Ce mandat n'est pas valide</h2>
            <p>
              {mandate
                ? 'Il a expiré ou a été révoqué.'
                : 'Cette référence est inconnue ou a été modifiée. Vérifiez le code imprimé sur l’attestation.'}
            </p>
          </div>
        )}
        <p class="fr-mt-3w">Vérifié le {formatDateTime(now)}.</p>
      </>,
    );
  });

  async function mine(reply: FastifyReply, usagerId: string, csrf: string) {
    const usager = await findUsager(deps.db, usagerId);
    const mandates = await mandatesOfUsager(deps.db, usagerId);
    const uses = await usesOf(
      deps.db,
      mandates.map((m) => m.id),
    );
    const now = deps.clock();
    const names = new Map<string, string>();
    for (const m of mandates)
      if (!names.has(m.organisationId))
        names.set(m.organisationId, (await opts.organisationName(m.organisationId)) ?? '');
    return reply.page(
      { title: 'Mes mandats', noindex: true },
      <>
        <h1>Mes mandats</h1>
        <p>
          {usager?.givenName} {usager?.familyName}, voici les structures qui peuvent faire des démarches pour vous.
        </p>
        {mandates.length === 0 ? <p>Aucun mandat.</p> : null}
        {mandates.map((m) => {
          const status = statusOf(m, now);
          const active = activeFamilies(m, now);
          return (
            <section class="fr-mb-4w" data-testid="mon-mandat">
              <h2 class="fr-h5">{names.get(m.organisationId)}</h2>
              <p>
                {status === 'valide'
                  ? `Valide jusqu'au ${formatDate(m.expiresAt)}.`
                  : status === 'révoqué'
                    ? 'Révoqué.'
                    : `Expiré le ${formatDate(m.expiresAt)}.`}
              </p>
              <ul>
                {m.authorisations.map((a) => (
                  <li>
                    {familyTitle(a.family)}
                    {a.revokedAt ? ` — révoquée le ${formatDate(a.revokedAt)}` : ''}
                  </li>
                ))}
              </ul>
              {uses.filter((u) => u.mandateId === m.id).length > 0 ? (
                <>
                  <h3 class="fr-h6">Ce qui a été fait</h3>
                  <ul>
                    {uses
                      .filter((u) => u.mandateId === m.id)
                      .map((u) => (
                        <li>
                          {formatDateTime(u.usedAt)} — {u.helperFirstName} ({names.get(m.organisationId)}) — {u.partner}{' '}
                          — {familyTitle(u.family)}
                        </li>
                      ))}
                  </ul>
                </>
              ) : null}
              {active.length > 0 ? (
                <PostForm action={`/mes-mandats/${m.id}/revoquer`} csrf={csrf}>
                  <ChoiceGroup
                    name="families"
                    idPrefix={`${m.id}-`}
                    legend="Révoquer"
                    hint="Sans case cochée, tout le mandat est révoqué."
                    kind="checkbox"
                    options={active.map((f) => ({ value: f, label: familyTitle(f) }))}
                    selected={[]}
                  />
                  <button class="fr-btn fr-btn--secondary" type="submit">
                    Révoquer
                  </button>
                </PostForm>
              ) : status === 'révoqué' || m.authorisations.some((a) => a.revokedAt) ? (
                <p>
                  <a href={`/mes-mandats/${m.id}/revocation.pdf`}>Attestation de révocation (PDF)</a>
                </p>
              ) : null}
            </section>
          );
        })}
        <PostForm action="/mes-mandats/deconnexion" csrf={csrf}>
          <button class="fr-btn fr-btn--tertiary" type="submit">
            Me déconnecter
          </button>
        </PostForm>
      </>,
    );
  }

  app.get('/mes-mandats', async (request, reply) => {
    const usagerId = usagerOf(request, deps.clock());
    if (usagerId) return mine(reply, usagerId, reply.pageContext().csrfToken);
    return reply.page(
      { title: 'Mes mandats' },
      <>
        <h1>Mes mandats</h1>
        <p>
          Voyez quelles structures peuvent faire des démarches pour vous, ce qu'elles ont fait, et révoquez un mandat à
          tout moment.
        </p>
        {opts.franceConnectLabel ? (
          <p>
            <a class="fr-btn" href="/franceconnect/connexion?pour=mes-mandats">
              M'identifier avec {opts.franceConnectLabel}
            </a>
          </p>
        ) : (
          <p>L'identification n'est pas disponible sur ce service : adressez-vous à la structure.</p>
        )}
      </>,
    );
  });

  app.post<{ Params: { id: string } }>('/mes-mandats/:id/revoquer', async (request, reply) => {
    const usagerId = usagerOf(request, deps.clock());
    if (!usagerId) return reply.redirect('/mes-mandats', 303);
    try {
      await revokeMandate(deps, { kind: 'usager', usagerId }, request.params.id, request.body);
      reply.flash('success', 'Révocation enregistrée. Vous pouvez télécharger son attestation.');
    } catch (error) {
      const e = formError(error);
      if (e.status === 404) throw e;
      reply.flash('error', e.userMessage);
    }
    return reply.redirect('/mes-mandats', 303);
  });

  app.get<{ Params: { id: string } }>('/mes-mandats/:id/revocation.pdf', async (request, reply) => {
    const usagerId = usagerOf(request, deps.clock());
    const mandate =
      usagerId && /^[0-9a-f-]{36}$/i.test(request.params.id)
        ? await findMandate(deps.db, request.params.id)
        : undefined;
    const revoked = mandate?.authorisations.filter((a) => a.revokedAt) ?? [];
    if (!mandate || mandate.usagerId !== usagerId || revoked.length === 0)
      throw new NotFoundError('Ce mandat est introuvable.');
    const usager = await findUsager(deps.db, mandate.usagerId);
    const reference = signedReference(deps.secretKey, mandate.reference);
    const pdf = await attestationPdf({
      kind: 'revocation',
      signedReference: reference,
      verifyUrl: `${deps.publicUrl}/mandats/verifier/${reference}`,
      organisationName: (await opts.organisationName(mandate.organisationId)) ?? '',
      usager: {
        givenName: usager?.givenName ?? '',
        familyName: usager?.familyName ?? '',
        birthdate: usager?.birthdate ?? '',
      },
      families: mandate.authorisations.map((a) => a.family),
      duration: mandate.duration,
      createdAt: mandate.createdAt,
      expiresAt: mandate.expiresAt,
      revokedAt: mandate.revokedAt ?? revoked[0]?.revokedAt ?? undefined,
      revokedFamilies: revoked.map((a) => a.family),
      templateVersion: mandate.templateVersion,
      templateHash: mandate.templateHash,
    });
    return reply.type('application/pdf').header('cache-control', 'no-store').send(pdf);
  });

  app.post('/mes-mandats/deconnexion', async (_request, reply) => {
    reply.clearCookie(USAGER_COOKIE, { path: '/' });
    reply.flash('success', 'Vous êtes déconnecté de « Mes mandats ».');
    return reply.redirect('/mes-mandats', 303);
  });
}
