/**
 * Partner services, for the platform administrator (/admin/services-partenaires): list, register,
 * edit, disable or enable again, renew a secret. A new secret is shown once, on the page that
 * answers the form, and never again (ADR 0032).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { requireActor } from '../../platform/auth/auth-plugin.ts';
import { authorize } from '../../platform/auth/policy.ts';
import { type AppError, NotFoundError } from '../../platform/http/errors.ts';
import { formError } from '../../platform/http/forms.ts';
import { formatDate } from '../../platform/print/index.ts';
import {
  Breadcrumb,
  ChoiceGroup,
  ErrorSummary,
  fieldId,
  InputField,
  PostForm,
} from '../../platform/views/components.tsx';
import type { MandatesDeps } from './deps.ts';
import { FAMILIES, familyTitle } from './families.ts';
import {
  createPartner,
  findPartner,
  listPartners,
  type PartnerRecord,
  renewPartnerSecret,
  SINGLE_HOST_MESSAGE,
  setPartnerDisabled,
  singleHost,
  updatePartner,
} from './partners.ts';
import { mandatesPolicy } from './policies.ts';

const BASE = '/admin/services-partenaires';
type Values = Record<string, string | string[]>;

function TextArea(p: { name: string; label: string; hint?: string; value: string; error?: string | undefined }) {
  const id = fieldId(p.name);
  return (
    <div class={`fr-input-group${p.error ? ' fr-input-group--error' : ''}`}>
      <label class="fr-label" for={id}>
        {p.label}
        {p.hint ? <span class="fr-hint-text">{p.hint}</span> : null}
      </label>
      <textarea
        class={`fr-input${p.error ? ' fr-input--error' : ''}`}
        id={id}
        name={p.name}
        rows={4}
        aria-describedby={p.error ? `${id}-erreur` : undefined}
        aria-invalid={p.error ? 'true' : undefined}
      >
        {p.value}
      </textarea>
      {p.error ? (
        <p id={`${id}-erreur`} class="fr-error-text">
          {p.error}
        </p>
      ) : null}
    </div>
  );
}

function SecretShownOnce(props: { secret: string; clientId: string }) {
  return (
    <div class="fr-alert fr-alert--warning fr-mb-3w">
      <h2 class="fr-alert__title">Secret du service « {props.clientId} » — affiché une seule fois</h2>
      <p>
        Copiez-le maintenant et transmettez-le au service par un canal sûr : Passerelle ne l'affichera plus jamais.
        Perdu, il faut en créer un nouveau.
      </p>
      <p>
        {/* Line breaks only between groups (<wbr>: nothing added when copied), never inside one, on a phone. */}
        <code data-testid="secret-partenaire">
          {(props.secret.match(/.{1,11}/g) ?? []).map((group, i) => (
            <>
              {i > 0 ? <wbr /> : null}
              {group}
            </>
          ))}
        </code>
      </p>
    </div>
  );
}

function PartnerForm(props: {
  partner?: PartnerRecord | undefined;
  csrf: string;
  error?: AppError | undefined;
  values?: Values | undefined;
  publicUrl: string;
}) {
  const p = props.partner;
  const fe = props.error?.fieldErrors ?? {};
  const v = props.values ?? {};
  const str = (k: string, fallback = '') => (typeof v[k] === 'string' ? (v[k] as string) : fallback);
  const families = Array.isArray(v.families)
    ? v.families
    : typeof v.families === 'string'
      ? [v.families]
      : (p?.families ?? []);
  return (
    <PostForm action={p ? `${BASE}/${p.id}` : `${BASE}/nouveau`} csrf={props.csrf}>
      <ErrorSummary errors={fe} message={props.error?.userMessage} />
      {p ? (
        <p>
          Identifiant (client_id) : <code>{p.clientId}</code>
        </p>
      ) : (
        <InputField
          name="clientId"
          label="Identifiant du service (client_id)"
          hint="De 3 à 64 caractères : minuscules, chiffres, « . _ - ». Il ne pourra plus changer."
          value={str('clientId')}
          error={fe.clientId}
          maxLength={64}
        />
      )}
      <InputField name="name" label="Nom du service" value={str('name', p?.name)} error={fe.name} maxLength={120} />
      <ChoiceGroup
        name="authMethod"
        legend="Méthode d'authentification du service"
        kind="radio"
        options={[
          { value: 'private_key_jwt', label: 'private_key_jwt — le service signe avec sa clé privée (recommandé)' },
          { value: 'client_secret_post', label: 'client_secret_post — un secret partagé, affiché une seule fois' },
        ]}
        selected={[str('authMethod', p?.authMethod ?? 'private_key_jwt')]}
        error={fe.authMethod}
      />
      <TextArea
        name="jwks"
        label="Clés publiques du service (JWKS, pour private_key_jwt)"
        hint="Le document JSON « keys » ; ou bien l'adresse ci-dessous."
        value={str('jwks', p?.jwks ? JSON.stringify(p.jwks) : '')}
        error={fe.jwks}
      />
      <InputField
        name="jwksUri"
        label="Adresse des clés publiques (jwks_uri, pour private_key_jwt)"
        required={false}
        value={str('jwksUri', p?.jwksUri ?? '')}
        error={fe.jwksUri}
        maxLength={500}
      />
      <TextArea
        name="redirectUris"
        label="Adresses de retour après connexion (redirect_uris)"
        hint="Une par ligne, en https://."
        value={str('redirectUris', p?.redirectUris.join('\n') ?? '')}
        error={fe.redirectUris}
      />
      <TextArea
        name="postLogoutRedirectUris"
        label="Adresses de retour après déconnexion (post_logout_redirect_uris, facultatif)"
        hint="Une par ligne, en https://."
        value={str('postLogoutRedirectUris', p?.postLogoutRedirectUris.join('\n') ?? '')}
        error={fe.postLogoutRedirectUris}
      />
      <ChoiceGroup
        name="families"
        legend="Familles de démarches traitées par le service"
        kind="checkbox"
        options={FAMILIES.map((f) => ({ value: f.key, label: f.title }))}
        selected={families}
        error={fe.families}
      />
      <p class="fr-hint-text">
        Configuration à donner au service : {props.publicUrl}/.well-known/openid-configuration (voir
        docs/partenaires.md).
      </p>
      <button class="fr-btn" type="submit">
        {p ? 'Enregistrer' : 'Enregistrer le service'}
      </button>
    </PostForm>
  );
}

export function partnerAdminRoutes(app: FastifyInstance, opts: { deps: MandatesDeps; allowHttpLocal: boolean }) {
  const { deps } = opts;
  const options = { allowHttpLocal: opts.allowHttpLocal };

  async function partnerOr404(id: string) {
    const partner = await findPartner(deps.db, id);
    if (!partner) throw new NotFoundError('Ce service partenaire est introuvable.');
    return partner;
  }

  function renderEdit(
    reply: FastifyReply,
    partner: PartnerRecord,
    extra: { error?: AppError; values?: Values; secret?: string } = {},
  ) {
    const csrf = reply.pageContext().csrfToken;
    return reply.page(
      { title: `Service partenaire — ${partner.name}`, noindex: true },
      <>
        <Breadcrumb
          items={[
            { label: 'Espace', href: '/espace' },
            { label: 'Services partenaires', href: BASE },
            { label: partner.name },
          ]}
        />
        <h1>{partner.name}</h1>
        {extra.secret ? <SecretShownOnce secret={extra.secret} clientId={partner.clientId} /> : null}
        {singleHost(partner.redirectUris) ? null : (
          <div class="fr-alert fr-alert--error fr-mb-3w" role="alert">
            <p data-testid="partenaire-a-corriger">Ce service ne peut pas connecter d'aidant : {SINGLE_HOST_MESSAGE}</p>
          </div>
        )}
        <p data-testid="etat-partenaire">
          {partner.disabledAt ? `Désactivé le ${formatDate(partner.disabledAt)}.` : 'Actif.'} Méthode :{' '}
          {partner.authMethod}
          {partner.authMethod === 'client_secret_post' ? ' (secret enregistré, jamais réaffiché)' : ''}.
        </p>
        <PartnerForm
          partner={partner}
          csrf={csrf}
          error={extra.error}
          values={extra.values}
          publicUrl={deps.publicUrl}
        />
        {partner.authMethod === 'client_secret_post' ? (
          <PostForm action={`${BASE}/${partner.id}/secret`} csrf={csrf} class="fr-mt-3w">
            <button class="fr-btn fr-btn--secondary" type="submit">
              Créer un nouveau secret (l'ancien cesse de fonctionner)
            </button>
          </PostForm>
        ) : null}
        <PostForm
          action={`${BASE}/${partner.id}/${partner.disabledAt ? 'reactiver' : 'desactiver'}`}
          csrf={csrf}
          class="fr-mt-3w"
        >
          <button class="fr-btn fr-btn--tertiary" type="submit">
            {partner.disabledAt ? 'Réactiver le service' : 'Désactiver le service (effet immédiat)'}
          </button>
        </PostForm>
      </>,
      extra.error?.status ?? 200,
    );
  }

  function renderNew(reply: FastifyReply, extra: { error?: AppError; values?: Values } = {}) {
    return reply.page(
      { title: 'Enregistrer un service partenaire', noindex: true },
      <>
        <Breadcrumb
          items={[
            { label: 'Espace', href: '/espace' },
            { label: 'Services partenaires', href: BASE },
            { label: 'Nouveau' },
          ]}
        />
        <h1>Enregistrer un service partenaire</h1>
        <PartnerForm
          csrf={reply.pageContext().csrfToken}
          error={extra.error}
          values={extra.values}
          publicUrl={deps.publicUrl}
        />
      </>,
      extra.error?.status ?? 200,
    );
  }

  app.get(BASE, async (request, reply) => {
    const actor = requireActor(request);
    authorize(actor, mandatesPolicy.managePartners, null);
    const partners = await listPartners(deps.db);
    return reply.page(
      { title: 'Services partenaires', noindex: true },
      <>
        <Breadcrumb items={[{ label: 'Espace', href: '/espace' }, { label: 'Services partenaires' }]} />
        <h1>Services partenaires</h1>
        <p>
          Les services en ligne où un aidant habilité se connecte pour le compte d'une personne, dans le cadre d'un
          mandat (fournisseur OpenID Connect de Passerelle).
        </p>
        <p>
          <a class="fr-btn" href={`${BASE}/nouveau`}>
            Enregistrer un service
          </a>
        </p>
        {partners.length === 0 ? <p>Aucun service partenaire.</p> : null}
        <ul data-testid="services-partenaires">
          {partners.map((p) => (
            <li>
              <a href={`${BASE}/${p.id}`}>{p.name}</a> (<code>{p.clientId}</code>) — {p.authMethod} —{' '}
              {p.families.map(familyTitle).join(', ')} — {p.disabledAt ? 'désactivé' : 'actif'}
              {singleHost(p.redirectUris) ? null : (
                <strong class="fr-text--error" data-testid="partenaire-a-corriger">
                  {' '}
                  — à corriger : {SINGLE_HOST_MESSAGE}
                </strong>
              )}
            </li>
          ))}
        </ul>
      </>,
    );
  });

  app.get(`${BASE}/nouveau`, async (request, reply) => {
    const actor = requireActor(request);
    authorize(actor, mandatesPolicy.managePartners, null);
    return renderNew(reply);
  });

  app.post(`${BASE}/nouveau`, async (request, reply) => {
    const actor = requireActor(request);
    try {
      const saved = await createPartner(deps, actor, request.body, options);
      const partner = await partnerOr404(saved.id);
      if (saved.secret) return renderEdit(reply, partner, { secret: saved.secret });
      reply.flash('success', 'Service partenaire enregistré.');
      return reply.redirect(`${BASE}/${saved.id}`, 303);
    } catch (error) {
      const e = formError(error);
      return renderNew(reply, { error: e, values: request.body as Values });
    }
  });

  app.get<{ Params: { id: string } }>(`${BASE}/:id`, async (request, reply) => {
    const actor = requireActor(request);
    authorize(actor, mandatesPolicy.managePartners, null);
    return renderEdit(reply, await partnerOr404(request.params.id));
  });

  app.post<{ Params: { id: string } }>(`${BASE}/:id`, async (request, reply) => {
    const actor = requireActor(request);
    authorize(actor, mandatesPolicy.managePartners, null);
    const partner = await partnerOr404(request.params.id);
    try {
      const saved = await updatePartner(deps, actor, partner.id, request.body, options);
      if (saved.secret) return renderEdit(reply, await partnerOr404(partner.id), { secret: saved.secret });
      reply.flash('success', 'Service partenaire enregistré.');
      return reply.redirect(`${BASE}/${partner.id}`, 303);
    } catch (error) {
      const e = formError(error);
      return renderEdit(reply, partner, { error: e, values: request.body as Values });
    }
  });

  app.post<{ Params: { id: string } }>(`${BASE}/:id/secret`, async (request, reply) => {
    const actor = requireActor(request);
    authorize(actor, mandatesPolicy.managePartners, null);
    const partner = await partnerOr404(request.params.id);
    const secret = await renewPartnerSecret(deps, actor, partner.id);
    return renderEdit(reply, partner, { secret });
  });

  for (const [verb, disabled] of [
    ['desactiver', true],
    ['reactiver', false],
  ] as const) {
    app.post<{ Params: { id: string } }>(`${BASE}/:id/${verb}`, async (request, reply) => {
      const actor = requireActor(request);
      authorize(actor, mandatesPolicy.managePartners, null);
      const partner = await partnerOr404(request.params.id);
      await setPartnerDisabled(deps, actor, partner.id, disabled);
      reply.flash('success', disabled ? 'Service désactivé : plus aucune connexion possible.' : 'Service réactivé.');
      return reply.redirect(`${BASE}/${partner.id}`, 303);
    });
  }
}
