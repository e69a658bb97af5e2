/**
 * The interaction of the partner provider (partner-provider.ts): a partner service sent the
 * helper here to sign in on a person's behalf. The helper, signed in with a second factor given
 * within 15 minutes (else asked again, then back here), picks a person among those with a valid
 * mandate in their current structure, then a family both the mandate and the partner allow.
 * Every step re-checks everything: a selection typed by hand (a person without a mandate, a
 * family outside it or outside the partner's, a mandate of another structure, revoked or
 * expired) gets a clear page and a journal entry (the POST steps; GET pages never write).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { Actor } from '../../platform/auth/actor.ts';
import { requireActor } from '../../platform/auth/auth-plugin.ts';
import { markSecondFactorDone } from '../../platform/auth/session-store.ts';
import { type AppError, NotFoundError } from '../../platform/http/errors.ts';
import { formError } from '../../platform/http/forms.ts';
import { appendJournal } from '../../platform/journal/journal.ts';
import { formatDate } from '../../platform/print/index.ts';
import { ErrorSummary, InputField, PostForm } from '../../platform/views/components.tsx';
import type { MandatesDeps } from './deps.ts';
import { familyTitle } from './families.ts';
import { currentStructure, helperStanding, type Standing } from './helper-standing.ts';
import type { VerifyCode } from './manage-mandates.ts';
import { activeFamilies, isRevoked } from './mandate-rules.ts';
import { findMandate, findUsager, type MandateRecord, mandatesOfOrganisation } from './mandates-repository.ts';
import {
  DELEGATION_CLAIMS,
  GRANT_TTL_SECONDS,
  PARTNER_FORM_CSP,
  PARTNER_INTERACTION_PATH,
  PARTNER_SCOPES,
  SIGN_INS_COOKIE,
  signInsCookie,
  signInsOf,
} from './partner-provider.ts';
import { findPartnerByClientId, type PartnerRecord } from './partners.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type SelectionProblem =
  | 'mandat_inconnu'
  | 'mandat_autre_structure'
  | 'mandat_revoque'
  | 'mandat_expire'
  | 'famille_hors_mandat'
  | 'famille_hors_service'
  | 'famille_hors_habilitation';

export const SELECTION_MESSAGES: Record<SelectionProblem, string> = {
  mandat_inconnu: "Cette personne n'a pas de mandat dans votre structure : vous ne pouvez pas agir pour elle.",
  mandat_autre_structure:
    "Ce mandat appartient à une autre structure : seule la structure qui le détient peut l'utiliser.",
  mandat_revoque: 'Ce mandat a été révoqué : vous ne pouvez plus agir pour cette personne avec lui.',
  mandat_expire: 'Ce mandat a expiré : renouvelez-le avec la personne avant de l’utiliser.',
  famille_hors_mandat: "Cette famille de démarches n'est pas couverte par le mandat (ou a été révoquée).",
  famille_hors_service: 'Ce service partenaire ne traite pas cette famille de démarches.',
  famille_hors_habilitation: "Votre structure n'est pas habilitée pour cette famille de démarches.",
};

/** Why a selection is refused, or undefined when it may be used now. */
export function selectionProblem(
  mandate: MandateRecord | undefined,
  organisationId: string,
  partner: PartnerRecord,
  standingFamilies: readonly string[],
  now: Date,
  family?: string,
): SelectionProblem | undefined {
  if (!mandate) return 'mandat_inconnu';
  if (mandate.organisationId !== organisationId) return 'mandat_autre_structure';
  const active = activeFamilies(mandate, now);
  if (active.length === 0) return isRevoked(mandate) ? 'mandat_revoque' : 'mandat_expire';
  const usable = active.filter((f) => partner.families.includes(f) && standingFamilies.includes(f));
  if (family === undefined) return usable.length > 0 ? undefined : 'famille_hors_service';
  if (!active.includes(family)) return 'famille_hors_mandat';
  if (!partner.families.includes(family)) return 'famille_hors_service';
  if (!standingFamilies.includes(family)) return 'famille_hors_habilitation';
  return undefined;
}

interface Context {
  actor: Actor;
  uid: string;
  details: Awaited<ReturnType<Provider['interactionDetails']>>;
  partner: PartnerRecord;
  organisationId: string | undefined;
  standing: Standing | undefined;
}

function Refusal(props: { message: string; uid?: string | undefined; partnerName?: string | undefined }) {
  return (
    <>
      <h1>Connexion refusée</h1>
      <div class="fr-alert fr-alert--error fr-mb-3w" role="alert">
        <p data-testid="refus-partenaire">{props.message}</p>
      </div>
      <p>
        Aucune information sur la personne n'a été transmise{props.partnerName ? ` à « ${props.partnerName} »` : ''}.
      </p>
      {props.uid ? (
        <p>
          <a class="fr-link" href={`${PARTNER_INTERACTION_PATH}/${props.uid}`}>
            Revenir au choix de la personne
          </a>
        </p>
      ) : null}
      <p>
        <a class="fr-link" href="/mandats">
          Retour aux mandats
        </a>
      </p>
    </>
  );
}

export function partnerInteractionRoutes(
  app: FastifyInstance,
  opts: { deps: MandatesDeps; provider: () => Promise<Provider>; verifyCode: VerifyCode },
) {
  const { deps } = opts;

  async function contextOf(
    request: FastifyRequest<{ Params: { uid: string } }>,
    reply: FastifyReply,
  ): Promise<Context> {
    const actor = requireActor(request);
    const details = await (await opts.provider()).interactionDetails(request.raw, reply.raw).catch(() => undefined);
    if (!details || details.uid !== request.params.uid)
      throw new NotFoundError(
        'Cette connexion au service partenaire a expiré. Revenez sur le service partenaire et recommencez.',
      );
    const partner = await findPartnerByClientId(deps.db, String(details.params.client_id));
    if (!partner || partner.disabledAt) throw new NotFoundError("Ce service partenaire n'est plus enregistré.");
    const organisationId = await currentStructure(deps.db, actor);
    const standing = organisationId
      ? await helperStanding(deps.db, deps.clock(), actor, request.session?.secondFactorAt, organisationId)
      : undefined;
    return { actor, uid: details.uid, details, partner, organisationId, standing };
  }

  function refuse(reply: FastifyReply, message: string, c?: Context) {
    return reply.page(
      { title: 'Connexion refusée', noindex: true },
      <Refusal message={message} uid={c?.uid} partnerName={c?.partner.name} />,
      403,
    );
  }

  async function journalRefusal(c: Context, motif: string, mandateId: string | null, family: string | null) {
    await deps.db.transaction(async (tx) => {
      await appendJournal(tx, deps.clock, {
        action: 'mandats.selection_refusee',
        actorUserId: c.actor.userId,
        organisationId: c.organisationId ?? null,
        targetType: 'mandat',
        targetId: mandateId && UUID.test(mandateId) ? mandateId : null,
        details: { motif, service: c.partner.clientId, famille: family },
      });
    });
  }

  function CodeForm(props: { c: Context; csrf: string; error?: AppError | undefined }) {
    const fe = props.error?.fieldErrors ?? {};
    return (
      <>
        <h1>Confirmez votre identité</h1>
        <p>
          « {props.c.partner.name} » vous demande d'agir pour le compte d'une personne. Pour votre sécurité, saisissez à
          nouveau le code de votre application de double authentification.
        </p>
        <ErrorSummary errors={fe} message={props.error?.userMessage} />
        <PostForm action={`${PARTNER_INTERACTION_PATH}/${props.c.uid}/code`} csrf={props.csrf}>
          <InputField
            name="code"
            label="Code à 6 chiffres"
            inputMode="numeric"
            autocomplete="one-time-code"
            error={fe.code}
            maxLength={20}
            autofocus
          />
          <button class="fr-btn" type="submit">
            Valider le code
          </button>
        </PostForm>
      </>
    );
  }

  /** The helper may go on (current structure, standing with a fresh second factor), else the page to show. */
  function blocked(reply: FastifyReply, c: Context, error?: AppError) {
    if (!c.organisationId)
      return refuse(reply, "Vous n'agissez pour aucune structure habilitée : vous ne pouvez pas agir pour autrui.", c);
    if (c.standing && !c.standing.ok) {
      if (c.standing.code === 'second_factor_stale')
        return reply.page(
          { title: 'Confirmez votre identité', noindex: true },
          <CodeForm c={c} csrf={reply.pageContext().csrfToken} error={error} />,
          error ? error.status : 200,
        );
      return refuse(reply, c.standing.message, c);
    }
    return undefined;
  }

  async function usableMandates(c: Context) {
    if (!c.organisationId || !c.standing?.ok) return [];
    const now = deps.clock();
    const families = c.standing.families as string[];
    const list = [];
    for (const m of await mandatesOfOrganisation(deps.db, c.organisationId)) {
      if (selectionProblem(m, c.organisationId, c.partner, families, now)) continue;
      const usager = await findUsager(deps.db, m.usagerId);
      if (usager)
        list.push({ mandate: m, name: `${usager.givenName} ${usager.familyName}`, birthdate: usager.birthdate });
    }
    return list;
  }

  app.get<{ Params: { uid: string }; Querystring: { mandat?: string } }>(
    `${PARTNER_INTERACTION_PATH}/:uid`,
    { config: { csp: PARTNER_FORM_CSP } },
    async (request, reply) => {
      const c = await contextOf(request, reply);
      const stop = blocked(reply, c);
      if (stop) return stop;
      const csrf = reply.pageContext().csrfToken;
      const chosen = typeof request.query.mandat === 'string' ? request.query.mandat : undefined;
      if (chosen !== undefined) {
        const mandate = UUID.test(chosen) ? await findMandate(deps.db, chosen) : undefined;
        const problem = selectionProblem(
          mandate,
          c.organisationId as string,
          c.partner,
          c.standing?.ok ? (c.standing.families as string[]) : [],
          deps.clock(),
        );
        if (problem || !mandate) return refuse(reply, SELECTION_MESSAGES[problem ?? 'mandat_inconnu'], c);
        const usager = await findUsager(deps.db, mandate.usagerId);
        const families = activeFamilies(mandate, deps.clock()).filter(
          (f) => c.partner.families.includes(f) && c.standing?.ok && (c.standing.families as string[]).includes(f),
        );
        return reply.page(
          { title: 'Choisir la démarche', noindex: true },
          <>
            <h1>Pour quelle démarche ?</h1>
            <p>
              Vous agissez pour{' '}
              <strong data-testid="personne-choisie">
                {usager?.givenName} {usager?.familyName}
              </strong>{' '}
              sur « {c.partner.name} ». Mandat valide jusqu'au {formatDate(mandate.expiresAt)}.
            </p>
            <PostForm action={`${PARTNER_INTERACTION_PATH}/${c.uid}/valider`} csrf={csrf}>
              <input type="hidden" name="mandat" value={mandate.id} />
              <fieldset class="fr-fieldset">
                <legend class="fr-fieldset__legend">
                  Famille de démarches (couverte par le mandat et par ce service)
                </legend>
                {families.map((f, i) => (
                  <div class="fr-fieldset__element">
                    <div class="fr-radio-group">
                      <input type="radio" id={`famille-${f}`} name="famille" value={f} checked={i === 0} />
                      <label class="fr-label" for={`famille-${f}`}>
                        {familyTitle(f)}
                      </label>
                    </div>
                  </div>
                ))}
              </fieldset>
              <button class="fr-btn" type="submit">
                Me connecter pour le compte de cette personne
              </button>
            </PostForm>
            <p class="fr-mt-3w">
              <a class="fr-link" href={`${PARTNER_INTERACTION_PATH}/${c.uid}`}>
                Choisir une autre personne
              </a>
            </p>
          </>,
        );
      }
      const people = await usableMandates(c);
      return reply.page(
        { title: 'Agir pour le compte de', noindex: true },
        <>
          <h1>Pour qui agissez-vous ?</h1>
          <p>
            « {c.partner.name} » vous demande de vous connecter pour le compte d'une personne. Seules les personnes
            ayant un mandat valide avec votre structure, pour une démarche que ce service traite, sont proposées.
          </p>
          {people.length === 0 ? (
            <p data-testid="aucune-personne">
              Aucune personne n'a de mandat valide pour ce service dans votre structure.
            </p>
          ) : (
            <PostForm action={`${PARTNER_INTERACTION_PATH}/${c.uid}`} csrf={csrf}>
              <fieldset class="fr-fieldset">
                <legend class="fr-fieldset__legend">Personne</legend>
                {people.map((p, i) => (
                  <div class="fr-fieldset__element">
                    <div class="fr-radio-group">
                      <input
                        type="radio"
                        id={`mandat-${p.mandate.id}`}
                        name="mandat"
                        value={p.mandate.id}
                        checked={i === 0}
                      />
                      <label class="fr-label" for={`mandat-${p.mandate.id}`}>
                        {p.name} (mandat valide jusqu'au {formatDate(p.mandate.expiresAt)})
                      </label>
                    </div>
                  </div>
                ))}
              </fieldset>
              <button class="fr-btn" type="submit">
                Continuer
              </button>
            </PostForm>
          )}
          <PostForm action={`${PARTNER_INTERACTION_PATH}/${c.uid}/annuler`} csrf={csrf} class="fr-mt-3w">
            <button class="fr-btn fr-btn--tertiary" type="submit">
              Annuler et revenir au service
            </button>
          </PostForm>
        </>,
      );
    },
  );

  app.post<{ Params: { uid: string } }>(
    `${PARTNER_INTERACTION_PATH}/:uid/code`,
    { config: { csp: PARTNER_FORM_CSP } },
    async (request, reply) => {
      const c = await contextOf(request, reply);
      try {
        await opts.verifyCode(c.actor.userId, request.body);
      } catch (error) {
        const e = formError(error);
        return blocked(reply, c, e) ?? refuse(reply, e.userMessage, c);
      }
      if (request.session) await markSecondFactorDone(deps.db, deps.clock, request.session.idHash);
      return reply.redirect(`${PARTNER_INTERACTION_PATH}/${c.uid}`, 303);
    },
  );

  const field = (body: unknown, name: string) => {
    const v = (body as Record<string, unknown> | undefined)?.[name];
    return typeof v === 'string' ? v.slice(0, 100) : '';
  };

  app.post<{ Params: { uid: string } }>(
    `${PARTNER_INTERACTION_PATH}/:uid`,
    { config: { csp: PARTNER_FORM_CSP } },
    async (request, reply) => {
      const c = await contextOf(request, reply);
      if (!c.organisationId || !c.standing?.ok) {
        // A choice sent without the standing (stale second factor, suspension…): refused and journaled.
        await journalRefusal(c, c.standing && !c.standing.ok ? c.standing.code : 'sans_structure', null, null);
        return blocked(reply, c);
      }
      const chosen = field(request.body, 'mandat');
      const mandate = UUID.test(chosen) ? await findMandate(deps.db, chosen) : undefined;
      const problem = selectionProblem(
        mandate,
        c.organisationId as string,
        c.partner,
        c.standing?.ok ? (c.standing.families as string[]) : [],
        deps.clock(),
      );
      if (problem) {
        await journalRefusal(c, problem, chosen || null, null);
        return refuse(reply, SELECTION_MESSAGES[problem], c);
      }
      return reply.redirect(`${PARTNER_INTERACTION_PATH}/${c.uid}?mandat=${chosen}`, 303);
    },
  );

  app.post<{ Params: { uid: string } }>(
    `${PARTNER_INTERACTION_PATH}/:uid/valider`,
    { config: { csp: PARTNER_FORM_CSP } },
    async (request, reply) => {
      const c = await contextOf(request, reply);
      if (!c.organisationId || !c.standing?.ok) {
        // A choice sent without the standing (stale second factor, suspension…): refused and journaled.
        await journalRefusal(c, c.standing && !c.standing.ok ? c.standing.code : 'sans_structure', null, null);
        return blocked(reply, c);
      }
      const chosen = field(request.body, 'mandat');
      const family = field(request.body, 'famille');
      const mandate = UUID.test(chosen) ? await findMandate(deps.db, chosen) : undefined;
      const problem = selectionProblem(
        mandate,
        c.organisationId as string,
        c.partner,
        c.standing?.ok ? (c.standing.families as string[]) : [],
        deps.clock(),
        family,
      );
      if (problem || !mandate) {
        await journalRefusal(c, problem ?? 'mandat_inconnu', chosen || null, family || null);
        return refuse(reply, SELECTION_MESSAGES[problem ?? 'mandat_inconnu'], c);
      }
      // The account is the person; oidc-provider sends the partner its pairwise subject (partnerSubject).
      const accountId = mandate.usagerId;
      const provider = await opts.provider();
      const grant = new provider.Grant({ accountId, clientId: c.partner.clientId });
      const requested = String(c.details.params.scope ?? 'openid')
        .split(' ')
        .filter((s) => (PARTNER_SCOPES as readonly string[]).includes(s));
      grant.addOIDCScope([...new Set(['openid', ...requested])].join(' '));
      const claimsParam = parseClaims(c.details.params.claims);
      const claims = [...Object.keys(claimsParam.id_token ?? {}), ...Object.keys(claimsParam.userinfo ?? {})].filter(
        (k) => k === 'rep_scope' || (DELEGATION_CLAIMS as readonly string[]).includes(k),
      );
      if (claims.length > 0) grant.addOIDCClaims(claims);
      const grantId = await grant.save();
      await deps.db.transaction(async (tx) => {
        const now = deps.clock();
        await tx.query(
          `INSERT INTO mandate_partner_grants (grant_id, partner_id, mandate_id, family, helper_user_id, organisation_id, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [
            grantId,
            c.partner.id,
            mandate.id,
            family,
            c.actor.userId,
            c.organisationId,
            now,
            new Date(now.getTime() + GRANT_TTL_SECONDS * 1000),
          ],
        );
        await appendJournal(tx, deps.clock, {
          action: 'mandats.connexion_partenaire_autorisee',
          actorUserId: c.actor.userId,
          organisationId: c.organisationId ?? null,
          targetType: 'mandat',
          targetId: mandate.id,
          details: { famille: family, service: c.partner.clientId },
        });
      });
      // Remembered for RP-initiated logout: it ends every sign-in of this browser (SIGN_INS_COOKIE).
      const earlier = signInsOf(deps.secretKey, request.cookies[SIGN_INS_COOKIE]);
      reply.raw.appendHeader(
        'set-cookie',
        signInsCookie(deps.secretKey, [...earlier, grantId], deps.publicUrl.startsWith('https://')),
      );
      reply.hijack();
      await provider.interactionFinished(
        request.raw,
        reply.raw,
        { login: { accountId, acr: 'eidas1', amr: ['pwd', 'otp'] }, consent: { grantId } },
        { mergeWithLastSubmission: false },
      );
    },
  );

  app.post<{ Params: { uid: string } }>(
    `${PARTNER_INTERACTION_PATH}/:uid/annuler`,
    { config: { csp: PARTNER_FORM_CSP } },
    async (request, reply) => {
      await contextOf(request, reply);
      const provider = await opts.provider();
      reply.hijack();
      await provider.interactionFinished(
        request.raw,
        reply.raw,
        { error: 'access_denied', error_description: "L'aidant a annulé la connexion." },
        { mergeWithLastSubmission: false },
      );
    },
  );
}

function parseClaims(value: unknown): { id_token?: Record<string, unknown>; userinfo?: Record<string, unknown> } {
  if (typeof value !== 'string') return {};
  try {
    const parsed = JSON.parse(value);
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch {
    return {};
  }
}
