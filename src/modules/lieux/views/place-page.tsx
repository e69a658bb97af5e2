/** The page of one place: hours in words, services, how to get there, how to call. */

import { formatDate, formatPhone } from '../../../platform/print/index.ts';
import { Breadcrumb, TableFrame } from '../../../platform/views/components.tsx';
import type { HoursView } from '../opening-hours.ts';
import type { PlaceRecord } from '../places-repository.ts';
import { directionsUrl, displayCommune, mapUrl, serviceLabel } from './format.ts';

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

export function PlacePage(props: {
  place: PlaceRecord;
  hours: HoursView | null;
  canEdit: boolean;
  organisationName?: string | undefined;
  acceptsPass?: boolean;
}) {
  const p = props.place;
  const h = props.hours;
  const located = p.geo_lat !== null && p.geo_lon !== null;
  return (
    <>
      <Breadcrumb items={[{ label: 'Trouver de l’aide', href: '/lieux' }, { label: p.nom }]} />
      {p.status === 'closed' ? (
        <div class="fr-alert fr-alert--warning fr-mb-3w">
          <h2 class="fr-alert__title">Ce lieu a fermé</h2>
          <p>
            Il ne reçoit plus de public. <a href="/lieux">Cherchez un autre lieu près de chez vous</a>.
          </p>
        </div>
      ) : null}
      <h1>{p.nom}</h1>
      {props.acceptsPass ? (
        <p class="fr-icon-checkbox-circle-line pa-pass">Accepte le Pass numérique : vos chèques y paient l'aide.</p>
      ) : null}
      {p.presentation_resume ? <p class="fr-text--lead">{p.presentation_resume}</p> : null}

      <h2 class="fr-h4">Horaires</h2>
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
