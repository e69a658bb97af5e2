/**
 * The person model's own administration pages under /espace (ADR 0018): likely duplicates and
 * their merge, a record's administration (access journal, erasure on request, contact consent
 * withdrawal) and the printable card. The person's page with sessions and progression belongs
 * to the support module.
 */
import type { FastifyInstance } from 'fastify';
import type { Actor } from '../../platform/auth/actor.ts';
import { requireActor } from '../../platform/auth/auth-plugin.ts';
import { can } from '../../platform/auth/policy.ts';
import { type AppError, ForbiddenError } from '../../platform/http/errors.ts';
import { formError } from '../../platform/http/forms.ts';
import { formatDateTime } from '../../platform/print/index.ts';
import { Breadcrumb, ErrorSummary, PostForm, TableFrame } from '../../platform/views/components.tsx';
import { viewAccessJournal } from './access-journal.ts';
import { viewContact, withdrawContactConsent } from './contact-consent.ts';
import type { PeopleDeps } from './deps.ts';
import { listLikelyDuplicates, mergePeople } from './duplicates.ts';
import { erasePerson } from './erase-person.ts';
import { personCardPdf } from './person-card-pdf.ts';
import { type PersonView, residenceLabel } from './person-view.ts';
import { administeredOrganisations, peoplePolicy } from './policies.ts';
import { viewPerson, viewPersonForCard } from './view-person.ts';

function facts(p: PersonView): string {
  const age = p.birthYear !== null ? `née ou né en ${p.birthYear}` : (p.ageBand ?? 'âge non renseigné');
  return [age, residenceLabel(p.residence), p.situation].filter(Boolean).join(' · ');
}

export function peopleRoutes(app: FastifyInstance, opts: { deps: PeopleDeps; operatorName: string }) {
  const { deps } = opts;

  /** The structure whose duplicates are shown: the one asked, else the first the actor administers. */
  function structureOf(actor: Actor, query: unknown): string {
    const asked = (query as { structure?: unknown } | undefined)?.structure;
    const mine = administeredOrganisations(actor);
    const id = typeof asked === 'string' && asked !== '' ? asked : mine[0];
    if (!id || !can(actor, peoplePolicy.manageOrganisationPeople, { id })) throw new ForbiddenError();
    return id;
  }

  async function duplicatesPage(actor: Actor, organisationId: string, csrf: string, error?: AppError) {
    const groups = await listLikelyDuplicates(deps, actor, organisationId);
    const structures = actor.memberships.filter((m) => administeredOrganisations(actor).includes(m.organisationId));
    return (
      <>
        <Breadcrumb items={[{ label: 'Espace professionnel', href: '/espace' }, { label: 'Doublons probables' }]} />
        <h1>Personnes accompagnées : doublons probables</h1>
        <p>
          Deux fiches sont probablement la même personne quand le nom (sans tenir compte des accents ni des majuscules),
          l’année de naissance et la commune sont les mêmes. Vérifiez avec l’équipe, puis fusionnez : la fiche gardée
          reçoit les structures qui suivent la personne, ses coordonnées et l’historique des accès ; le code de la carte
          de l’autre fiche mène à la fiche gardée.
        </p>
        {structures.length > 1 ? (
          <ul class="fr-tags-group">
            {structures.map((m) => (
              <li>
                <a
                  class="fr-tag"
                  href={`/espace/personnes/doublons?structure=${m.organisationId}`}
                  aria-current={m.organisationId === organisationId ? 'page' : undefined}
                >
                  {m.organisationName}
                </a>
              </li>
            ))}
          </ul>
        ) : null}
        {error ? <ErrorSummary errors={error.fieldErrors ?? {}} message={error.userMessage} /> : null}
        {groups.length === 0 ? (
          <p class="fr-text--bold">Aucun doublon probable parmi les personnes que suit votre structure.</p>
        ) : null}
        {groups.map((group, index) => {
          const [keep, ...others] = group as [PersonView, ...PersonView[]];
          return (
            <section class="fr-mb-4w">
              <h2 class="fr-h5">Groupe {index + 1}</h2>
              <ul>
                {group.map((p) => (
                  <li>
                    <a href={`/espace/personnes/${p.id}`}>{p.displayName}</a> — code {p.code} — {facts(p)}
                  </li>
                ))}
              </ul>
              {others.map((other) => (
                <PostForm action="/espace/personnes/fusionner" csrf={csrf} class="fr-mb-2w">
                  <input type="hidden" name="keepId" value={keep.id} />
                  <input type="hidden" name="duplicateId" value={other.id} />
                  <input type="hidden" name="structure" value={organisationId} />
                  <button type="submit" class="fr-btn fr-btn--secondary">
                    Fusionner {other.code} dans {keep.code}
                  </button>
                </PostForm>
              ))}
            </section>
          );
        })}
      </>
    );
  }

  app.get('/espace/personnes/doublons', async (request, reply) => {
    const actor = requireActor(request);
    const organisationId = structureOf(actor, request.query);
    return reply.page(
      { title: 'Doublons probables' },
      await duplicatesPage(actor, organisationId, reply.pageContext().csrfToken),
    );
  });

  app.post('/espace/personnes/fusionner', async (request, reply) => {
    const actor = requireActor(request);
    const organisationId = structureOf(actor, request.body);
    try {
      const kept = await mergePeople(deps, actor, request.body);
      reply.flash('success', `Fiches fusionnées : la fiche ${kept.code} est gardée.`);
      return reply.redirect(`/espace/personnes/doublons?structure=${organisationId}`, 303);
    } catch (error) {
      const e = formError(error);
      return reply.page(
        { title: 'Doublons probables' },
        await duplicatesPage(actor, organisationId, reply.pageContext().csrfToken, e),
        e.status,
      );
    }
  });

  async function administrationPage(actor: Actor, personId: string, csrf: string, error?: AppError) {
    const person = await viewPerson(deps, actor, personId);
    const manages = person.followedBy.some((id) => can(actor, peoplePolicy.managePerson, { followers: [id] }));
    const journal = manages ? await viewAccessJournal(deps, actor, person.id) : [];
    const contact = person.hasContact ? await viewContact(deps, actor, person.id) : null;
    return (
      <>
        <Breadcrumb items={[{ label: 'Espace professionnel', href: '/espace' }, { label: person.displayName }]} />
        <h1>{person.displayName}</h1>
        <p class="fr-text--lead">
          Code de la carte : <strong>{person.code}</strong>
        </p>
        <p>{facts(person)}</p>
        <p>
          <a class="fr-btn fr-btn--secondary" href={`/espace/personnes/${person.id}/carte.pdf`}>
            Imprimer la carte (PDF)
          </a>
        </p>
        {error ? <ErrorSummary errors={error.fieldErrors ?? {}} message={error.userMessage} /> : null}
        <h2 class="fr-h4">Coordonnées</h2>
        {contact ? (
          <>
            <p>
              {[contact.phone, contact.email].filter(Boolean).join(' · ')} — accord donné le{' '}
              {formatDateTime(new Date(contact.consent.at))} pour : {contact.consent.purpose}
            </p>
            <PostForm action={`/espace/personnes/${person.id}/coordonnees/retirer`} csrf={csrf}>
              <button type="submit" class="fr-btn fr-btn--tertiary">
                La personne retire son accord : supprimer ses coordonnées
              </button>
            </PostForm>
          </>
        ) : (
          <p>Aucune coordonnée : elles ne sont gardées qu’avec l’accord de la personne.</p>
        )}
        {manages ? (
          <>
            <h2 class="fr-h4">Qui a ouvert cette fiche</h2>
            <TableFrame label="Journal des accès à la fiche">
              <table>
                <caption class="fr-sr-only">Les 200 derniers accès, du plus récent au plus ancien</caption>
                <thead>
                  <tr>
                    <th scope="col">Date</th>
                    <th scope="col">Action</th>
                    <th scope="col">Personne</th>
                    <th scope="col">Structure</th>
                  </tr>
                </thead>
                <tbody>
                  {journal.map((e) => (
                    <tr>
                      <td>{formatDateTime(new Date(e.at))}</td>
                      <td>{e.label}</td>
                      <td>{e.userName}</td>
                      <td>{e.organisationName}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableFrame>
            <h2 class="fr-h4">Effacement à la demande de la personne</h2>
            <p>
              Le nom, l’année de naissance, la commune, les coordonnées et les identités liées sont supprimés
              définitivement. Seules restent des données anonymes pour les statistiques (tranche d’âge, département,
              situation).
            </p>
            <PostForm action={`/espace/personnes/${person.id}/effacer`} csrf={csrf}>
              <div
                class={`fr-checkbox-group fr-mb-2w${error?.fieldErrors?.confirmation ? ' fr-checkbox-group--error' : ''}`}
              >
                <input type="checkbox" id="confirmation" name="confirmation" />
                <label class="fr-label" for="confirmation">
                  La personne a demandé l’effacement de son dossier
                </label>
              </div>
              <button type="submit" class="fr-btn fr-btn--secondary">
                Effacer le dossier
              </button>
            </PostForm>
          </>
        ) : null}
      </>
    );
  }

  app.get<{ Params: { id: string } }>('/espace/personnes/:id', async (request, reply) => {
    const actor = requireActor(request);
    const page = await administrationPage(actor, request.params.id, reply.pageContext().csrfToken);
    return reply.page({ title: 'Fiche de la personne', noindex: true }, page);
  });

  app.get<{ Params: { id: string } }>('/espace/personnes/:id/carte.pdf', async (request, reply) => {
    const actor = requireActor(request);
    const person = await viewPersonForCard(deps, actor, request.params.id);
    const pdf = await personCardPdf(person, opts.operatorName);
    return reply
      .type('application/pdf')
      .header('content-disposition', `attachment; filename="carte-${person.code}.pdf"`)
      .header('cache-control', 'no-store')
      .send(pdf);
  });

  app.post<{ Params: { id: string } }>('/espace/personnes/:id/effacer', async (request, reply) => {
    const actor = requireActor(request);
    try {
      await erasePerson(deps, actor, request.params.id, request.body);
      reply.flash('success', 'Le dossier a été effacé. Les statistiques anonymes sont gardées.');
      return reply.redirect('/espace', 303);
    } catch (error) {
      const e = formError(error);
      const page = await administrationPage(actor, request.params.id, reply.pageContext().csrfToken, e);
      return reply.page({ title: 'Fiche de la personne', noindex: true }, page, e.status);
    }
  });

  app.post<{ Params: { id: string } }>('/espace/personnes/:id/coordonnees/retirer', async (request, reply) => {
    const actor = requireActor(request);
    await withdrawContactConsent(deps, actor, request.params.id);
    reply.flash('success', 'Les coordonnées ont été supprimées.');
    return reply.redirect(`/espace/personnes/${request.params.id}`, 303);
  });

  app.workspace.add({
    title: 'Personnes accompagnées : doublons',
    description: 'Fusionner les fiches en double, effacer un dossier à la demande, voir qui a ouvert une fiche.',
    href: '/espace/personnes/doublons',
    visible: (actor) => administeredOrganisations(actor).length > 0,
  });
}
