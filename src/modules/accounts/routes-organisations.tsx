/**
 * Workspace home, organisations and their members, invitations.
 */
import type { FastifyInstance } from 'fastify';
import { type Actor, type Role, roleLabels } from '../../platform/auth/actor.ts';
import { requireActor } from '../../platform/auth/auth-plugin.ts';
import { authorize } from '../../platform/auth/policy.ts';
import type { AppError } from '../../platform/http/errors.ts';
import { errorSentence, field, formError } from '../../platform/http/forms.ts';
import { acceptInvitationAsMember, acceptInvitationWithNewAccount, describeInvitation } from './accept-invitation.ts';
import { createOrganisation } from './create-organisation.ts';
import type { AccountsDeps } from './deps.ts';
import { inviteMember } from './invite-member.ts';
import { cancelInvitation, changeMemberRole, removeMember } from './manage-members.ts';
import { accountsPolicy } from './policies.ts';
import { listOrganisations } from './repository.ts';
import { NewPasswordForm } from './routes-login.tsx';
import { organisationsForAdministrator, organisationView } from './view-organisations.ts';
import {
  AdminOrganisationsPage,
  InvitationPage,
  OrganisationPage,
  WorkspacePage,
} from './views/organisation-pages.tsx';

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
    const { organisation, members, invitations, canManage, canHabilitate, grantable } = await organisationView(
      deps,
      actor,
      organisationId,
    );
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
    const organisations = await organisationsForAdministrator(deps, actor);
    return reply.page(
      { title: 'Structures' },
      <AdminOrganisationsPage organisations={organisations} csrf={reply.pageContext().csrfToken} />,
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
