/** The pages of the workspace, organisations, their members and invitations. */
import {
  type Actor,
  holdsTerritorialRoleWithoutTerritory,
  type Role,
  roleLabels,
} from '../../../platform/auth/actor.ts';
import { roleMayActOnBehalf } from '../../../platform/auth/grants.ts';
import type { AppError } from '../../../platform/http/errors.ts';
import { formatDate } from '../../../platform/print/index.ts';
import {
  Breadcrumb,
  ChoiceGroup,
  ErrorSummary,
  InputField,
  PostForm,
  SelectField,
  TableFrame,
} from '../../../platform/views/components.tsx';
import type { WorkspaceEntry } from '../../../platform/views/workspace.ts';
import type { InvitationView } from '../accept-invitation.ts';
import { organisationKinds } from '../create-organisation.ts';
import type { InvitationRecord, MemberView, OrganisationRecord } from '../repository.ts';

const optionsOf = (list: readonly Role[]) => list.map((r) => ({ value: r, label: roleLabels[r] }));

export function WorkspacePage(props: { actor: Actor; entries: WorkspaceEntry[] }) {
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

export function InviteForm(props: {
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

export function OrganisationPage(props: {
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

export function AdminOrganisationsPage(props: {
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

export function InvitationPage(props: { view: InvitationView; actor: Actor | undefined; csrf: string; token: string }) {
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
