/**
 * A helper's mandates: create (families and duration → the person identifies with FranceConnect
 * on the helper's device → consent statement and fresh second-factor code), see, print the
 * attestation, renew, revoke. Everything within the helper's current structure.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../platform/auth/actor.ts';
import { requireActor } from '../../platform/auth/auth-plugin.ts';
import { authorize } from '../../platform/auth/policy.ts';
import { type AppError, RuleError } from '../../platform/http/errors.ts';
import { formError } from '../../platform/http/forms.ts';
import { Breadcrumb, ErrorSummary, PostForm } from '../../platform/views/components.tsx';
import { identityLinksFor, personIdForIdentity } from '../people/index.ts';
import { attestationPdf } from './attestation.ts';
import type { MandatesDeps } from './deps.ts';
import { currentStructure, helperStanding } from './helper-standing.ts';
import {
  checkDraft,
  createMandate,
  type Draft,
  mandateOfStructure,
  PERSON_LINK_PROVIDER,
  renewMandate,
  revokeMandate,
  type VerifyCode,
} from './manage-mandates.ts';
import { activeFamilies, initialsOf, isRenewable, isRevoked, signedReference } from './mandate-rules.ts';
import {
  findUsager,
  type MandateRecord,
  mandatesOfOrganisation,
  usagerSubjectHash,
  usesOf,
} from './mandates-repository.ts';
import { mandatesPolicy } from './policies.ts';
import { cookieOptions, IDENTIFIED_COOKIE, readSigned } from './routes-franceconnect.tsx';
import { ConsentFields, DraftFields, MandateDetail, MandateList } from './views/mandate-views.tsx';

const DRAFT_COOKIE = 'pa_mandat_brouillon';

export function statusOf(m: MandateRecord, now: Date): 'valide' | 'expiré' | 'révoqué' {
  if (isRevoked(m)) return 'révoqué';
  return activeFamilies(m, now).length > 0 ? 'valide' : 'expiré';
}

export function mandateRoutes(
  app: FastifyInstance,
  opts: {
    deps: MandatesDeps;
    verifyCode: VerifyCode;
    secure: boolean;
    organisationName: (id: string) => Promise<string | undefined>;
    franceConnectLabel: string | undefined;
  },
) {
  const { deps, verifyCode, secure } = opts;

  async function structureOf(actor: Actor): Promise<string> {
    authorize(actor, mandatesPolicy.useMandatesSomewhere, null);
    const current = await currentStructure(deps.db, actor);
    if (!current) throw new RuleError('no_structure', "Vous n'agissez pour aucune structure.", 403);
    return current;
  }

  async function allowedFamilies(request: FastifyRequest, actor: Actor, organisationId: string) {
    const standing = await helperStanding(
      deps.db,
      deps.clock(),
      actor,
      request.session?.secondFactorAt,
      organisationId,
      {
        ignoreSecondFactor: true,
      },
    );
    if (!standing.ok) throw new RuleError(standing.code, standing.message, 403);
    return standing.families;
  }

  function draftPage(
    reply: FastifyReply,
    allowed: readonly string[],
    values: { families: string[]; duration?: string },
    error?: AppError,
  ) {
    return reply.page(
      { title: 'Nouveau mandat' },
      <>
        <Breadcrumb items={[{ label: 'Mandats', href: '/mandats' }, { label: 'Nouveau mandat' }]} />
        <h1>Nouveau mandat</h1>
        <p>
          Choisissez les démarches et la durée. La personne s'identifiera ensuite avec{' '}
          {opts.franceConnectLabel ?? 'FranceConnect'} sur cet appareil.
        </p>
        <ErrorSummary errors={error?.fieldErrors ?? {}} message={error?.userMessage} />
        <PostForm action="/mandats/nouveau" csrf={reply.pageContext().csrfToken}>
          <DraftFields allowed={allowed} families={values.families} duration={values.duration} error={error} />
          <button class="fr-btn" type="submit">
            Identifier la personne avec {opts.franceConnectLabel ?? 'FranceConnect'}
          </button>
        </PostForm>
      </>,
      error?.status ?? 200,
    );
  }

  app.get('/mandats/nouveau', async (request, reply) => {
    const actor = requireActor(request);
    const organisationId = await structureOf(actor);
    return draftPage(reply, await allowedFamilies(request, actor, organisationId), { families: [] });
  });

  app.post('/mandats/nouveau', async (request, reply) => {
    const actor = requireActor(request);
    const organisationId = await structureOf(actor);
    const allowed = await allowedFamilies(request, actor, organisationId);
    try {
      const draft = await checkDraft(deps, actor, request.session?.secondFactorAt, organisationId, request.body);
      reply.setCookie(DRAFT_COOKIE, JSON.stringify({ ...draft, organisationId }), cookieOptions(secure, 1200));
      return reply.redirect('/franceconnect/connexion?pour=mandat', 303);
    } catch (error) {
      const e = formError(error);
      if (e.status === 401 || e.status === 403) throw e;
      const body = (request.body ?? {}) as Record<string, unknown>;
      const families = ([] as unknown[]).concat(body.families ?? []).map(String);
      return draftPage(reply, allowed, { families, duration: String(body.duration ?? '') }, e);
    }
  });

  async function confirmPage(reply: FastifyReply, request: FastifyRequest, error?: AppError) {
    const draft = readSigned<Draft & { organisationId: string }>(request, DRAFT_COOKIE);
    const identified = readSigned<{ usagerId: string }>(request, IDENTIFIED_COOKIE);
    const usager = identified ? await findUsager(deps.db, identified.usagerId) : undefined;
    if (!draft || !usager) {
      reply.flash('error', 'La création du mandat a expiré. Recommencez.');
      return reply.redirect('/mandats/nouveau', 303);
    }
    return reply.page(
      { title: 'Confirmer le mandat' },
      <>
        <Breadcrumb items={[{ label: 'Mandats', href: '/mandats' }, { label: 'Confirmer le mandat' }]} />
        <h1>Confirmer le mandat</h1>
        <ErrorSummary errors={error?.fieldErrors ?? {}} message={error?.userMessage} />
        <p data-testid="personne-identifiee">
          Personne identifiée :{' '}
          <strong>
            {usager.givenName} {usager.familyName}
          </strong>
        </p>
        <PostForm action="/mandats/nouveau/confirmer" csrf={reply.pageContext().csrfToken}>
          <ConsentFields error={error} />
          <button class="fr-btn" type="submit">
            Créer le mandat
          </button>
        </PostForm>
      </>,
      error?.status ?? 200,
    );
  }

  app.get('/mandats/nouveau/confirmer', async (request, reply) => {
    const actor = requireActor(request);
    await structureOf(actor);
    return confirmPage(reply, request);
  });

  app.post('/mandats/nouveau/confirmer', async (request, reply) => {
    const actor = requireActor(request);
    const organisationId = await structureOf(actor);
    const draft = readSigned<Draft & { organisationId: string }>(request, DRAFT_COOKIE);
    const identified = readSigned<{ usagerId: string }>(request, IDENTIFIED_COOKIE);
    if (!draft || !identified || draft.organisationId !== organisationId) {
      reply.flash('error', 'La création du mandat a expiré. Recommencez.');
      return reply.redirect('/mandats/nouveau', 303);
    }
    try {
      const id = await createMandate(deps, verifyCode, actor, {
        organisationId,
        usagerId: identified.usagerId,
        draft: { families: draft.families, duration: draft.duration },
        form: request.body,
      });
      reply.clearCookie(DRAFT_COOKIE, { path: '/' });
      reply.clearCookie(IDENTIFIED_COOKIE, { path: '/' });
      reply.flash('success', "Mandat créé. Imprimez l'attestation et remettez-la à la personne.");
      return reply.redirect(`/mandats/${id}`, 303);
    } catch (error) {
      const e = formError(error);
      if (e.status === 403 && e.code === 'forbidden') throw e;
      return confirmPage(reply, request, e);
    }
  });

  async function detail(request: FastifyRequest, reply: FastifyReply, id: string, error?: AppError) {
    const actor = requireActor(request);
    const mandate = await mandateOfStructure(deps, actor, await currentStructure(deps.db, actor), id);
    const usager = await findUsager(deps.db, mandate.usagerId);
    const now = deps.clock();
    // The people module decides who sees an identity link: only the structure holding the mandate.
    const link = mandate.personId
      ? (await identityLinksFor(deps, actor, mandate.personId)).find(
          (l) => l.mandateOrganisationId === mandate.organisationId && l.provider === PERSON_LINK_PROVIDER,
        )
      : undefined;
    // The record may have been merged into another since: link to the one that lives on.
    const subject = link ? await usagerSubjectHash(deps.db, mandate.usagerId) : undefined;
    const livePersonId = subject
      ? await personIdForIdentity(deps, actor, {
          provider: PERSON_LINK_PROVIDER,
          subject,
          mandateOrganisationId: mandate.organisationId,
        })
      : null;
    return reply.page(
      { title: 'Mandat' },
      <>
        <Breadcrumb items={[{ label: 'Mandats', href: '/mandats' }, { label: 'Mandat' }]} />
        <MandateDetail
          csrf={reply.pageContext().csrfToken}
          error={error}
          m={{
            id: mandate.id,
            person: {
              givenName: usager?.givenName ?? '',
              familyName: usager?.familyName ?? '',
              birthdate: usager?.birthdate ?? '',
            },
            organisationName: (await opts.organisationName(mandate.organisationId)) ?? '',
            duration: mandate.duration,
            createdAt: mandate.createdAt,
            expiresAt: mandate.expiresAt,
            status: statusOf(mandate, now),
            authorisations: mandate.authorisations,
            renewable: isRenewable(mandate, now),
            uses: await usesOf(deps.db, [mandate.id]),
            personLink:
              link && livePersonId ? { personId: livePersonId, linkedAt: new Date(link.linkedAt) } : undefined,
          }}
        />
      </>,
      error?.status ?? 200,
    );
  }

  app.get<{ Params: { id: string } }>('/mandats/:id', (request, reply) => detail(request, reply, request.params.id));

  app.get<{ Params: { id: string } }>('/mandats/:id/attestation.pdf', async (request, reply) => {
    const actor = requireActor(request);
    const mandate = await mandateOfStructure(deps, actor, await currentStructure(deps.db, actor), request.params.id);
    const usager = await findUsager(deps.db, mandate.usagerId);
    const reference = signedReference(deps.secretKey, mandate.reference);
    const pdf = await attestationPdf({
      kind: 'mandat',
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
      templateVersion: mandate.templateVersion,
      templateHash: mandate.templateHash,
    });
    return reply
      .type('application/pdf')
      .header('cache-control', 'no-store')
      .header(
        'content-disposition',
        `inline; filename="mandat-${initialsOf(usager?.givenName ?? '', usager?.familyName ?? '').replace(/[^A-Z]/g, '')}.pdf"`,
      )
      .send(pdf);
  });

  app.post<{ Params: { id: string } }>('/mandats/:id/revoquer', async (request, reply) => {
    const actor = requireActor(request);
    authorize(actor, mandatesPolicy.useMandatesSomewhere, null);
    const organisationId = await currentStructure(deps.db, actor);
    try {
      const revoked = await revokeMandate(
        deps,
        { kind: 'structure', actor, organisationId },
        request.params.id,
        request.body,
      );
      reply.flash('success', `Révocation enregistrée (${revoked.length} famille${revoked.length > 1 ? 's' : ''}).`);
      return reply.redirect(`/mandats/${request.params.id}`, 303);
    } catch (error) {
      const e = formError(error);
      if (e.status === 404 || e.status === 403) throw e;
      return detail(request, reply, request.params.id, e);
    }
  });

  async function renewPage(request: FastifyRequest, reply: FastifyReply, id: string, error?: AppError) {
    const actor = requireActor(request);
    const organisationId = await structureOf(actor);
    const mandate = await mandateOfStructure(deps, actor, organisationId, id);
    if (!isRenewable(mandate, deps.clock()))
      throw new RuleError(
        'not_renewable',
        'Ce mandat ne peut pas être renouvelé (révoqué, ou expiré depuis plus d’un an) : créez un nouveau mandat.',
        409,
      );
    const allowed = await allowedFamilies(request, actor, organisationId);
    const usager = await findUsager(deps.db, mandate.usagerId);
    return reply.page(
      { title: 'Renouveler le mandat' },
      <>
        <Breadcrumb items={[{ label: 'Mandats', href: '/mandats' }, { label: 'Renouveler' }]} />
        <h1>
          Renouveler le mandat de {usager?.givenName} {usager?.familyName}
        </h1>
        <p>Sans nouvelle identification : la personne est présente et donne à nouveau son accord.</p>
        <ErrorSummary errors={error?.fieldErrors ?? {}} message={error?.userMessage} />
        <PostForm action={`/mandats/${mandate.id}/renouveler`} csrf={reply.pageContext().csrfToken}>
          <DraftFields
            allowed={allowed}
            families={mandate.authorisations.map((a) => a.family)}
            duration={mandate.duration}
            error={error}
          />
          <ConsentFields error={error} />
          <button class="fr-btn" type="submit">
            Renouveler le mandat
          </button>
        </PostForm>
      </>,
      error?.status ?? 200,
    );
  }

  app.get<{ Params: { id: string } }>('/mandats/:id/renouveler', (request, reply) =>
    renewPage(request, reply, request.params.id),
  );

  app.post<{ Params: { id: string } }>('/mandats/:id/renouveler', async (request, reply) => {
    const actor = requireActor(request);
    const organisationId = await structureOf(actor);
    try {
      const draft = await checkDraft(deps, actor, request.session?.secondFactorAt, organisationId, request.body);
      const id = await renewMandate(deps, verifyCode, actor, {
        organisationId,
        mandateId: request.params.id,
        draft,
        form: request.body,
      });
      reply.flash('success', 'Mandat renouvelé. Imprimez la nouvelle attestation.');
      return reply.redirect(`/mandats/${id}`, 303);
    } catch (error) {
      const e = formError(error);
      if (e.status === 404 || e.code === 'forbidden' || e.code === 'not_renewable') throw e;
      return renewPage(request, reply, request.params.id, e);
    }
  });

  /** The helper's home lists the current structure's mandates (routes-helper.tsx renders it). */
  return {
    async listFor(organisationId: string) {
      const now = deps.clock();
      const mandates = await mandatesOfOrganisation(deps.db, organisationId);
      const people = new Map<string, string>();
      for (const m of mandates) {
        if (!people.has(m.usagerId)) {
          const u = await findUsager(deps.db, m.usagerId);
          people.set(m.usagerId, u ? `${u.givenName} ${u.familyName}` : '');
        }
      }
      return mandates.map((m) => ({
        id: m.id,
        person: people.get(m.usagerId) ?? '',
        families: m.authorisations.map((a) => a.family),
        expiresAt: m.expiresAt,
        status: statusOf(m, now),
      }));
    },
    MandateList,
  };
}
