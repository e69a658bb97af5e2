/**
 * Workspace home, organisations and their members, invitations.
 */
import type { FastifyInstance } from 'fastify';
import { type Actor, holdsTerritorialRoleWithoutTerritory, type Role, roleLabels } from '../../platform/auth/actor.ts';
import { requireActor } from '../../platform/auth/auth-plugin.ts';
import { grantableRoles, roleMayActOnBehalf } from '../../platform/auth/grants.ts';
import { authorize, can } from '../../platform/auth/policy.ts';
import { type AppError, NotFoundError } from '../../platform/http/errors.ts';
import { errorSentence, field, formError } from '../../platform/http/forms.ts';
import { formatDate } from '../../platform/print/index.ts';
import {
  Breadcrumb,
  ChoiceGroup,
  ErrorSummary,
  InputField,
  PostForm,
  SelectField,
  TableFrame,
} from '../../platform/views/components.tsx';
import type { WorkspaceEntry } from '../../platform/views/workspace.ts';
import {
  acceptInvitationAsMember,
  acceptInvitationWithNewAccount,
  describeInvitation,
  type InvitationView,
} from './accept-invitation.ts';
import { createOrganisation, organisationKinds } from './create-organisation.ts';
import type { AccountsDeps } from './deps.ts';
import { inviteMember } from './invite-member.ts';
import { cancelInvitation, changeMemberRole, removeMember } from './manage-members.ts';
import { accountsPolicy } from './policies.ts';
import {
  findOrganisation,
  type InvitationRecord,
  listOrganisations,
  type MemberView,
  membersOf,
  type OrganisationRecord,
  pendingInvitations,
} from './repository.ts';
import { NewPasswordForm } from './routes-login.tsx';

const optionsOf = (list: readonly Role[]) => list.map((r) => ({ value: r, label: roleLabels[r] }));

function WorkspacePage(props: { actor: Actor; entries: WorkspaceEntry[] }) {
  const { actor } = props;
  return (
    <>
      <h1>Bonjour {actor.displayName}</h1>
      {actor.memberships.length === 0 && !actor.isPlatformAdmin ? (
        <div class="fr-callout">
          <p class="fr-callout__text">
            Votre compte n'est rattaché à aucune structure. Demandez au ou à la responsable de votre structure de vous
            inviter.
          </p>
        </div>
      ) : null}
      {holdsTerritorialRoleWithoutTerritory(actor) ? (
        <div class="fr-alert fr-alert--warning fr-mb-3w" data-testid="sans-territoire">
          <p>
            Votre structure n'a pas encore de territoire : en tant que coordinateur, vous n'agissez sur aucun lieu,
            programme ni relevé tant qu'un administrateur de la plateforme ne l'a pas défini.
          </p>
        </div>
      ) : null}
      {actor.memberships.length > 0 ? (
        <>
          <h2>Mes structures</h2>
          <ul>
            {actor.memberships.map((m) => (
              <li>
                <a href={`/organisations/${m.organisationId}`}>{m.organisationName}</a> — {roleLabels[m.role]}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {props.entries.length > 0 ? (
        <>
          <h2>Ce que vous pouvez faire</h2>
          <div class="fr-grid-row fr-grid-row--gutters">
            {props.entries.map((e) => (
              <div class="fr-col-12 fr-col-md-6">
                <div class="fr-card fr-enlarge-link">
                  <div class="fr-card__body">
                    <div class="fr-card__content">
                      <h3 class="fr-card__title">
                        <a href={e.href}>{e.title}</a>
                      </h3>
                      <p class="fr-card__desc">{e.description}</p>
                    </div>
                  </div>
                </div>
              </div>
            ))}
          </div>
        </>
      ) : null}
      <p class="fr-mt-4w">
        <a href="/compte">Mon compte : double authentification, appareils connectés</a>
      </p>
    </>
  );
}

function InviteForm(props: {
  organisationId: string;
  /** The roles the actor may give here (grants.ts), and whether it may habilitate. */
  grantable: Role[];
  canHabilitate: boolean;
  csrf: string;
  error?: AppError | undefined;
  values?: Record<string, string>;
}) {
  const fe = props.error?.fieldErrors ?? {};
  return (
    <>
      <h2 class="fr-mt-6w" id="inviter">
        Inviter une personne
      </h2>
      <ErrorSummary errors={fe} message={props.error?.userMessage} />
      <PostForm action={`/organisations/${props.organisationId}/invitations`} csrf={props.csrf}>
        <InputField
          name="email"
          label="Adresse e-mail de la personne"
          type="email"
          autocomplete="off"
          value={props.values?.email}
          error={fe.email}
        />
        <SelectField
          name="role"
          label="Rôle dans la structure"
          options={optionsOf(props.grantable)}
          value={props.values?.role ?? props.grantable.find((r) => roleMayActOnBehalf(r)) ?? props.grantable[0]}
          error={fe.role}
        />
        {props.canHabilitate ? (
          <ChoiceGroup
            kind="checkbox"
            name="canActOnBehalf"
            legend="Habilitation"
            hint="Pour un aidant formé qui pourra agir pour le compte d'une personne (mandat). La double authentification lui sera demandée."
            options={[{ value: 'on', label: "Habilité à agir pour le compte d'autrui" }]}
            selected={props.values?.canActOnBehalf === 'on' ? ['on'] : []}
          />
        ) : null}
        <button class="fr-btn" type="submit">
          Envoyer l'invitation
        </button>
      </PostForm>
    </>
  );
}

function OrganisationPage(props: {
  organisation: OrganisationRecord;
  members: MemberView[];
  invitations: InvitationRecord[];
  canManage: boolean;
  grantable: Role[];
  canHabilitate: boolean;
  csrf: string;
  actor: Actor;
  inviteError?: AppError | undefined;
  inviteValues?: Record<string, string>;
}) {
  const o = props.organisation;
  return (
    <>
      <Breadcrumb items={[{ label: 'Mon espace', href: '/espace' }, { label: o.name }]} />
      <h1>
        {o.name}
        {o.isDemo ? <span class="fr-badge fr-badge--info fr-ml-2w">Démo</span> : null}
      </h1>
      <p>
        {organisationKinds[o.kind as keyof typeof organisationKinds] ?? o.kind}
        {o.siret ? ` — SIRET ${o.siret}` : ''}
      </p>
      <h2>Membres ({props.members.length})</h2>
      <TableFrame label="Membres de la structure">
        <table>
          <caption>Membres de la structure</caption>
          <thead>
            <tr>
              <th scope="col">Nom</th>
              <th scope="col">Rôle</th>
              <th scope="col">Double authentification</th>
              {props.canManage ? <th scope="col">Gérer</th> : null}
            </tr>
          </thead>
          <tbody>
            {props.members.map((m) => (
              <tr>
                <td>
                  {m.displayName}
                  <br />
                  <span class="fr-text--sm">{m.email}</span>
                </td>
                <td>
                  {roleLabels[m.role]}
                  {m.canActOnBehalf ? (
                    <>
                      <br />
                      <span class="fr-badge fr-badge--sm fr-badge--info">Habilité</span>
                    </>
                  ) : null}
                </td>
                <td>{m.hasSecondFactor ? 'Oui' : 'Non'}</td>
                {props.canManage ? (
                  <td>
                    <PostForm action={`/organisations/${o.id}/membres/role`} csrf={props.csrf}>
                      <input type="hidden" name="userId" value={m.userId} />
                      <SelectField
                        name="role"
                        idPrefix={`${m.userId}-`}
                        label={`Rôle de ${m.displayName}`}
                        options={optionsOf(
                          props.grantable.includes(m.role) ? props.grantable : [m.role, ...props.grantable],
                        )}
                        value={m.role}
                      />
                      {props.canHabilitate || m.canActOnBehalf ? (
                        <ChoiceGroup
                          kind="checkbox"
                          name="canActOnBehalf"
                          idPrefix={`${m.userId}-`}
                          legend={`Habilitation de ${m.displayName}`}
                          options={[{ value: 'on', label: 'Agir pour autrui' }]}
                          selected={m.canActOnBehalf ? ['on'] : []}
                        />
                      ) : null}
                      <button class="fr-btn fr-btn--sm fr-btn--secondary" type="submit">
                        Enregistrer
                      </button>
                    </PostForm>
                    {m.userId !== props.actor.userId ? (
                      <PostForm action={`/organisations/${o.id}/membres/retirer`} csrf={props.csrf} class="fr-mt-1w">
                        <input type="hidden" name="userId" value={m.userId} />
                        <button class="fr-btn fr-btn--sm fr-btn--tertiary" type="submit">
                          Retirer {m.displayName}
                        </button>
                      </PostForm>
                    ) : null}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </TableFrame>
      {props.canManage ? (
        <>
          {props.invitations.length > 0 ? (
            <>
              <h2 class="fr-mt-4w">Invitations en attente</h2>
              <ul>
                {props.invitations.map((i) => (
                  <li>
                    {i.email} — {roleLabels[i.role]} — valable jusqu'au {formatDate(i.expiresAt)}
                    <PostForm
                      action={`/organisations/${o.id}/invitations/annuler`}
                      csrf={props.csrf}
                      class="pa-inline-form"
                    >
                      <input type="hidden" name="invitationId" value={i.id} />
                      <button class="fr-btn fr-btn--sm fr-btn--tertiary-no-outline fr-ml-1w" type="submit">
                        Annuler l'invitation de {i.email}
                      </button>
                    </PostForm>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          <InviteForm
            organisationId={o.id}
            grantable={props.grantable}
            canHabilitate={props.canHabilitate}
            csrf={props.csrf}
            error={props.inviteError}
            values={props.inviteValues}
          />
        </>
      ) : null}
    </>
  );
}

function AdminOrganisationsPage(props: {
  organisations: Array<OrganisationRecord & { members: number }>;
  csrf: string;
  error?: AppError | undefined;
  values?: Record<string, string>;
}) {
  const fe = props.error?.fieldErrors ?? {};
  return (
    <>
      <Breadcrumb items={[{ label: 'Mon espace', href: '/espace' }, { label: 'Structures' }]} />
      <h1>Structures</h1>
      <ul>
        {props.organisations.map((o) => (
          <li>
            <a href={`/organisations/${o.id}`}>{o.name}</a> — {o.members} membre{o.members > 1 ? 's' : ''}
            {o.isDemo ? ' (démo)' : ''} —{' '}
            <a href={`/admin/organisations/${o.id}/territoire`}>
              territoire{o.territory.departements.length + o.territory.communes.length === 0 ? ' (aucun)' : ''}
              <span class="fr-sr-only"> de {o.name}</span>
            </a>
          </li>
        ))}
      </ul>
      <h2 class="fr-mt-6w">Créer une structure</h2>
      <ErrorSummary errors={fe} message={props.error?.userMessage} />
      <PostForm action="/admin/organisations" csrf={props.csrf}>
        <InputField name="name" label="Nom de la structure" value={props.values?.name} error={fe.name} />
        <SelectField
          name="kind"
          label="Type de structure"
          placeholder="Choisir un type"
          options={Object.entries(organisationKinds).map(([value, label]) => ({ value, label }))}
          value={props.values?.kind}
          error={fe.kind}
        />
        <InputField
          name="siret"
          label="SIRET"
          hint="14 chiffres, pour les structures qui en ont un."
          required={false}
          inputMode="numeric"
          value={props.values?.siret}
          error={fe.siret}
        />
        <button class="fr-btn" type="submit">
          Créer la structure
        </button>
      </PostForm>
    </>
  );
}

function InvitationPage(props: { view: InvitationView; actor: Actor | undefined; csrf: string; token: string }) {
  const { view, actor } = props;
  const intro = (
    <p class="fr-text--lead">
      Vous êtes invité à rejoindre <strong>{view.organisationName}</strong> avec le rôle{' '}
      <strong>{roleLabels[view.invitation.role]}</strong>.
    </p>
  );
  if (actor && actor.email === view.invitation.email) {
    return (
      <>
        <h1>Rejoindre {view.organisationName}</h1>
        {intro}
        <PostForm action="/invitation/rejoindre" csrf={props.csrf}>
          <input type="hidden" name="jeton" value={props.token} />
          <button class="fr-btn" type="submit">
            Rejoindre la structure
          </button>
        </PostForm>
      </>
    );
  }
  return (
    <>
      <h1>Rejoindre {view.organisationName}</h1>
      {intro}
      {actor ? (
        <div class="fr-alert fr-alert--warning">
          <p>
            Cette invitation est adressée à {view.invitation.email}, mais vous êtes connecté avec {actor.email}.
            Déconnectez-vous puis ouvrez à nouveau le lien.
          </p>
        </div>
      ) : (
        <p>
          Un compte existe déjà pour {view.invitation.email}.{' '}
          <a href={`/connexion?retour=${encodeURIComponent(`/invitation?jeton=${props.token}`)}`}>
            Connectez-vous pour accepter l'invitation
          </a>
          .
        </p>
      )}
    </>
  );
}

export function organisationRoutes(app: FastifyInstance, opts: { deps: AccountsDeps }) {
  const { deps } = opts;

  app.workspace.add({
    title: 'Structures',
    description: 'Créer les structures et inviter leurs premiers responsables.',
    href: '/admin/organisations',
    visible: (actor) => actor.isPlatformAdmin,
  });

  app.get('/espace', async (request, reply) => {
    const actor = requireActor(request);
    return reply.page({ title: 'Mon espace' }, <WorkspacePage actor={actor} entries={app.workspace.for(actor)} />);
  });

  async function renderOrganisation(
    actor: Actor,
    organisationId: string,
    csrf: string,
    invite?: { error: AppError; values: Record<string, string> },
  ) {
    const organisation = await findOrganisation(deps.db, organisationId);
    if (!organisation) throw new NotFoundError('Cette structure est introuvable.');
    authorize(actor, accountsPolicy.viewOrganisation, organisation);
    const canHabilitate = can(actor, accountsPolicy.habilitateHelpers, organisation);
    const canManage = can(actor, accountsPolicy.manageMembers, organisation) || canHabilitate;
    const grantable = grantableRoles(actor, organisation);
    const [members, invitations] = await Promise.all([
      membersOf(deps.db, organisation.id),
      canManage ? pendingInvitations(deps.db, organisation.id, deps.clock()) : Promise.resolve([]),
    ]);
    return (
      <OrganisationPage
        organisation={organisation}
        members={members}
        invitations={invitations}
        canManage={canManage}
        grantable={grantable}
        canHabilitate={canHabilitate}
        csrf={csrf}
        actor={actor}
        inviteError={invite?.error}
        inviteValues={invite?.values}
      />
    );
  }

  app.get<{ Params: { id: string } }>('/organisations/:id', async (request, reply) => {
    const actor = requireActor(request);
    const body = await renderOrganisation(actor, request.params.id, reply.pageContext().csrfToken);
    return reply.page({ title: 'Structure' }, body);
  });

  app.post<{ Params: { id: string } }>('/organisations/:id/invitations', async (request, reply) => {
    const actor = requireActor(request);
    try {
      await inviteMember(deps, actor, request.params.id, request.body);
      reply.flash('success', `Invitation envoyée à ${field(request.body, 'email').trim()}.`);
      return reply.redirect(`/organisations/${request.params.id}`, 303);
    } catch (error) {
      const e = formError(error);
      const values = {
        email: field(request.body, 'email'),
        role: field(request.body, 'role'),
        canActOnBehalf: field(request.body, 'canActOnBehalf'),
      };
      const body = await renderOrganisation(actor, request.params.id, reply.pageContext().csrfToken, {
        error: e,
        values,
      });
      return reply.page({ title: 'Structure' }, body, e.status);
    }
  });

  app.post<{ Params: { id: string } }>('/organisations/:id/membres/role', async (request, reply) => {
    const actor = requireActor(request);
    try {
      await changeMemberRole(deps, actor, request.params.id, request.body);
      reply.flash('success', 'Le rôle est enregistré.');
    } catch (error) {
      reply.flash('error', errorSentence(formError(error)));
    }
    return reply.redirect(`/organisations/${request.params.id}`, 303);
  });

  app.post<{ Params: { id: string } }>('/organisations/:id/membres/retirer', async (request, reply) => {
    const actor = requireActor(request);
    try {
      await removeMember(deps, actor, request.params.id, field(request.body, 'userId'));
      reply.flash('success', 'La personne ne fait plus partie de la structure.');
    } catch (error) {
      reply.flash('error', errorSentence(formError(error)));
    }
    return reply.redirect(`/organisations/${request.params.id}`, 303);
  });

  app.post<{ Params: { id: string } }>('/organisations/:id/invitations/annuler', async (request, reply) => {
    const actor = requireActor(request);
    await cancelInvitation(deps, actor, request.params.id, field(request.body, 'invitationId'));
    reply.flash('success', "L'invitation est annulée : le lien ne fonctionne plus.");
    return reply.redirect(`/organisations/${request.params.id}`, 303);
  });

  app.get('/admin/organisations', async (request, reply) => {
    const actor = requireActor(request);
    authorize(actor, accountsPolicy.administerPlatform, null);
    return reply.page(
      { title: 'Structures' },
      <AdminOrganisationsPage organisations={await listOrganisations(deps.db)} csrf={reply.pageContext().csrfToken} />,
    );
  });

  app.post('/admin/organisations', async (request, reply) => {
    const actor = requireActor(request);
    authorize(actor, accountsPolicy.administerPlatform, null);
    try {
      const organisation = await createOrganisation(deps, actor, request.body);
      reply.flash(
        'success',
        `La structure « ${organisation.name} » est créée. Invitez maintenant son ou sa responsable.`,
      );
      return reply.redirect(`/organisations/${organisation.id}#inviter`, 303);
    } catch (error) {
      const e = formError(error);
      const values = {
        name: field(request.body, 'name'),
        kind: field(request.body, 'kind'),
        siret: field(request.body, 'siret'),
      };
      return reply.page(
        { title: 'Structures' },
        <AdminOrganisationsPage
          organisations={await listOrganisations(deps.db)}
          csrf={reply.pageContext().csrfToken}
          error={e}
          values={values}
        />,
        e.status,
      );
    }
  });

  app.get('/invitation', async (request, reply) => {
    const token = String((request.query as Record<string, unknown>).jeton ?? '');
    const view = await describeInvitation(deps, token);
    const csrf = reply.pageContext().csrfToken;
    if (!view.accountExists) {
      return reply.page(
        { title: 'Invitation', noindex: true },
        <NewPasswordForm
          csrf={csrf}
          action="/invitation"
          token={token}
          email={view.invitation.email}
          withName={{ value: '' }}
          title={`Rejoindre ${view.organisationName}`}
          intro={`Vous êtes invité à rejoindre « ${view.organisationName} » avec le rôle ${roleLabels[view.invitation.role as Role]}. Créez votre compte pour accepter.`}
          submitLabel="Créer mon compte et rejoindre la structure"
        />,
      );
    }
    return reply.page(
      { title: 'Invitation', noindex: true },
      <InvitationPage view={view} actor={request.actor} csrf={csrf} token={token} />,
    );
  });

  app.post('/invitation', { config: { rateLimit: { max: 20, timeWindow: '15 minutes' } } }, async (request, reply) => {
    const token = field(request.body, 'jeton');
    try {
      const { userId } = await acceptInvitationWithNewAccount(deps, request.body);
      await reply.startSession({ userId, authMethod: 'invitation', secondFactorDone: false });
      reply.flash('success', 'Votre compte est créé et vous avez rejoint la structure.');
      return reply.redirect('/espace', 303);
    } catch (error) {
      const e = formError(error);
      if (e.code === 'invitation_invalid' || e.code === 'account_exists') throw e;
      const view = await describeInvitation(deps, token);
      return reply.page(
        { title: 'Invitation', noindex: true },
        <NewPasswordForm
          csrf={reply.pageContext().csrfToken}
          action="/invitation"
          token={token}
          email={view.invitation.email}
          withName={{ value: field(request.body, 'displayName') }}
          error={e}
          title={`Rejoindre ${view.organisationName}`}
          intro={`Vous êtes invité à rejoindre « ${view.organisationName} ». Créez votre compte pour accepter.`}
          submitLabel="Créer mon compte et rejoindre la structure"
        />,
        e.status,
      );
    }
  });

  app.post('/invitation/rejoindre', async (request, reply) => {
    const actor = requireActor(request, { allowMissingSecondFactor: true });
    const { organisationId } = await acceptInvitationAsMember(deps, actor, field(request.body, 'jeton'));
    reply.flash('success', 'Vous avez rejoint la structure.');
    return reply.redirect(`/organisations/${organisationId}`, 303);
  });
}
