/** The page of one place: hours in words, services, how to get there, how to call. */

import { formatDate, formatPhone } from '../../../platform/print/index.ts';
import { Breadcrumb, TableFrame } from '../../../platform/views/components.tsx';
import type { HoursView } from '../opening-hours.ts';
import type { PlaceRecord } from '../places-repository.ts';
import { type Closure, directionsUrl, displayCommune, mapUrl, serviceLabel } from './format.ts';

function Facts({ title, values }: { title: string; values: readonly string[] }) {
  if (values.length === 0) return null;
  return (
    <>
      <h3 class="fr-h6 fr-mb-1w">{title}</h3>
      <ul class="fr-mb-3w">
        {values.map((v) => (
          <li>{v}</li>
        ))}
      </ul>
    </>
  );
}

export interface Alternative {
  id: string;
  nom: string;
  adresse: string;
  commune: string;
  distance: string | null;
  status: string | null;
}

/** The nearest places open to the public, when this one is not. */
function Alternatives({ place, alternatives }: { place: PlaceRecord; alternatives: Alternative[] }) {
  const search = `/lieux?commune=${encodeURIComponent(place.code_postal || place.commune)}`;
  return (
    <section aria-labelledby="alternatives-titre" class="fr-mb-4w">
      <h2 class="fr-h4" id="alternatives-titre">
        Lieux ouverts les plus proches
      </h2>
      {alternatives.length > 0 ? (
        <ul class="pa-list-plain">
          {alternatives.map((a) => (
            <li class="fr-mb-2w">
              <a href={`/lieux/${encodeURIComponent(a.id)}`}>{a.nom}</a>
              <br />
              <span class="fr-text--sm">
                {a.distance ? `${a.distance} — ` : ''}
                {a.adresse}, {displayCommune(a.commune)}
                {a.status ? ` — ${a.status}` : ''}
              </span>
            </li>
          ))}
        </ul>
      ) : null}
      <p>
        <a href={search}>Voir tous les lieux près de {displayCommune(place.commune)}</a>
      </p>
    </section>
  );
}

export function PlacePage(props: {
  place: PlaceRecord;
  hours: HoursView | null;
  canEdit: boolean;
  organisationName?: string | undefined;
  acceptsPass?: boolean;
  closure?: Closure;
  alternatives?: Alternative[];
}) {
  const p = props.place;
  const h = props.hours;
  const located = p.geo_lat !== null && p.geo_lon !== null;
  const closure = props.closure ?? null;
  // Closed for good or for a while: no hours, no call, no directions — other places instead.
  const closedNow = p.status === 'closed' || closure?.now === true;
  return (
    <>
      <Breadcrumb items={[{ label: 'Trouver de l’aide', href: '/lieux' }, { label: p.nom }]} />
      {p.status === 'closed' ? (
        <div class="fr-alert fr-alert--warning fr-mb-3w">
          <h2 class="fr-alert__title">Ce lieu a fermé</h2>
          <p>Il ne reçoit plus de public. Les lieux ouverts les plus proches sont indiqués ci-dessous.</p>
        </div>
      ) : closure?.now ? (
        <div class="fr-alert fr-alert--warning fr-mb-3w">
          <h2 class="fr-alert__title">Fermé temporairement jusqu’au {formatDate(closure.until)}</h2>
          <p>
            Il ne reçoit pas de public jusqu’au {formatDate(closure.until)} inclus. Les lieux ouverts les plus proches
            sont indiqués ci-dessous.
          </p>
        </div>
      ) : null}
      <h1>{p.nom}</h1>
      {closedNow ? <Alternatives place={p} alternatives={props.alternatives ?? []} /> : null}
      {props.acceptsPass ? (
        <p class="fr-icon-checkbox-circle-line pa-pass">Accepte le Pass numérique : vos chèques y paient l'aide.</p>
      ) : null}
      {p.presentation_resume ? <p class="fr-text--lead">{p.presentation_resume}</p> : null}

      {closedNow ? null : (
        <>
          <h2 class="fr-h4">Horaires</h2>
          {closure ? (
            <p class="fr-badge fr-badge--warning fr-mb-2w">
              Fermeture exceptionnelle du {formatDate(closure.from)} au {formatDate(closure.until)}
            </p>
          ) : null}
          {h === null ? (
            <p>Horaires non renseignés : appelez avant de vous déplacer.</p>
          ) : h.valid ? (
            <>
              <p>
                {h.openNow !== null ? (
                  <span class={`fr-badge ${h.openNow ? 'fr-badge--success' : 'fr-badge--info'} fr-mr-1w`}>
                    {h.openNow ? 'Ouvert' : 'Fermé'}
                  </span>
                ) : null}
                <strong>{h.status}</strong>
              </p>
              <p>{h.today}</p>
              {h.week ? (
                <div class="pa-hours">
                  <TableFrame label="Horaires de la semaine" small>
                    <table>
                      <caption>Horaires de la semaine</caption>
                      <tbody>
                        {h.week.map((d) => (
                          <tr>
                            <th scope="row">{d.day.charAt(0).toUpperCase() + d.day.slice(1)}</th>
                            <td>{d.text}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </TableFrame>
                </div>
              ) : null}
            </>
          ) : (
            <p>
              Horaires tels que donnés par le lieu : <q>{h.raw}</q>. Appelez avant de vous déplacer.
            </p>
          )}
        </>
      )}

      <h2 class="fr-h4">Adresse</h2>
      <address class="fr-mb-2w">
        {p.adresse}
        {p.complement_adresse ? (
          <>
            <br />
            {p.complement_adresse}
          </>
        ) : null}
        <br />
        {p.code_postal} {displayCommune(p.commune)}
      </address>
      {p.itinerance.includes('Itinérant') ? (
        <p>Lieu itinérant : vérifiez où il se trouve le jour de votre visite.</p>
      ) : null}
      {closedNow ? null : (
        <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left fr-mb-3w">
          {p.telephone ? (
            <li>
              <a class="fr-btn fr-icon-phone-line pa-call" href={`tel:${p.telephone}`}>
                Appeler le {formatPhone(p.telephone)}
              </a>
            </li>
          ) : null}
          {located && p.geo_precision === 'exact' ? (
            <li>
              <a
                class="fr-btn fr-btn--secondary"
                href={directionsUrl(p.geo_lat as number, p.geo_lon as number)}
                rel="noopener"
              >
                Itinéraire
              </a>
            </li>
          ) : null}
          {located ? (
            <li>
              <a class="fr-btn fr-btn--tertiary" href={mapUrl(p.geo_lat as number, p.geo_lon as number)} rel="noopener">
                Voir sur une carte
              </a>
            </li>
          ) : null}
        </ul>
      )}
      {p.geo_precision === 'commune' ? (
        <p class="fr-text--sm">Position approximative : le centre de la commune.</p>
      ) : null}

      <h2 class="fr-h4">Ce que propose ce lieu</h2>
      <Facts title="Aide proposée" values={p.services.map(serviceLabel)} />
      <Facts title="Type d'aide" values={p.modalites_accompagnement} />
      <Facts title="Prix" values={p.frais_a_charge} />
      <Facts title="Publics accueillis en particulier" values={p.publics_specifiquement_adresses} />
      <Facts title="Accueil adapté" values={p.prise_en_charge_specifique} />
      <Facts title="Comment y aller" values={p.modalites_acces} />
      <Facts title="Réseaux nationaux" values={p.dispositif_programmes_nationaux} />
      <Facts
        title="Formations et labels"
        values={[...p.formations_labels, ...(p.autres_formations_labels ? [p.autres_formations_labels] : [])]}
      />
      {p.presentation_detail ? <p>{p.presentation_detail}</p> : null}

      {closedNow ? null : (
        <>
          <h2 class="fr-h4">Contact et rendez-vous</h2>
          <ul>
            {p.prise_rdv ? (
              <li>
                <a href={p.prise_rdv} rel="noopener">
                  Prendre rendez-vous en ligne
                </a>
              </li>
            ) : null}
            {p.courriels.map((mail) => (
              <li>
                <a href={`mailto:${mail}`}>{mail}</a>
              </li>
            ))}
            {p.site_web.map((url) => (
              <li>
                <a href={url} rel="noopener">
                  {url.replace(/^https?:\/\//, '').replace(/\/$/, '')}
                </a>
              </li>
            ))}
            {p.fiche_acces_libre ? (
              <li>
                <a href={p.fiche_acces_libre} rel="noopener">
                  Accessibilité du lieu (fiche Acceslibre)
                </a>
              </li>
            ) : null}
            {!p.prise_rdv && p.courriels.length === 0 && p.site_web.length === 0 && !p.telephone ? (
              <li>Pas de contact renseigné.</li>
            ) : null}
          </ul>
        </>
      )}

      <p class="fr-text--sm fr-mt-4w">
        Informations mises à jour le {formatDate(p.date_maj)}
        {p.source ? ` (source : ${p.source})` : ''}
        {props.organisationName ? `, tenues à jour par ${props.organisationName}` : ''}.
      </p>
      {props.canEdit ? (
        <a class="fr-btn fr-btn--secondary" href={`/lieux/${encodeURIComponent(p.id)}/modifier`}>
          Modifier ce lieu
        </a>
      ) : null}
    </>
  );
}
