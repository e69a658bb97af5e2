/**
 * The letter a beneficiary takes home with the booklet: what the chèques pay for, the nearest
 * places accepting them with full opening hours and phones in French format, who to call back,
 * and a link that opens the nearest accepting places. Printed from the browser (« Imprimer »,
 * lieux/print.js, a JavaScript enhancement; the browser’s own print works without it).
 */
import { formatDate, formatEuros, formatPhone, telUri } from '../../../platform/print/index.ts';
import { describeHours, serviceLabel } from '../../lieux/index.ts';
import type { Programme } from '../programmes-repository.ts';
import { territoryLabel } from '../voucher-rules.ts';

export interface LetterPlace {
  nom: string;
  adresse: string;
  code_postal: string;
  commune: string;
  telephone: string | null;
  horaires: string | null;
  distance_km: number;
}

export function BeneficiaryLetter(props: {
  programme: Programme;
  bookletNumber: number;
  vouchers: number;
  commune: string | null;
  places: LetterPlace[];
  distributorName: string;
  contact: string | null;
  placesUrl: string;
  now: Date;
}) {
  const { programme, places } = props;
  return (
    <article class="pa-letter">
      <h1>Votre carnet Pass numérique</h1>
      <p class="fr-text--lead">
        Ce carnet n° {props.bookletNumber} contient {props.vouchers} chèques de{' '}
        {formatEuros(programme.face_value_cents)} pour vous faire aider au numérique, gratuitement pour vous.
      </p>
      <p>
        Valable jusqu’au {formatDate(programme.valid_until)}, dans ce territoire : {territoryLabel(programme)}.
      </p>
      <h2 class="fr-h4">Ce que paient les chèques</h2>
      <p>Un chèque paie une séance d’aide dans un lieu habilité, pour :</p>
      <ul data-testid="services-payes">
        {programme.services.map((s) => (
          <li>{serviceLabel(s)}</li>
        ))}
      </ul>
      <p>Le lieu ne vous demande rien d’autre : vous ne payez rien.</p>
      <h2 class="fr-h4">Où aller près de chez vous{props.commune ? ` (${props.commune})` : ''}</h2>
      {places.length === 0 ? (
        <p>
          Demandez à la personne qui vous a remis ce carnet : aucun lieu habilité n’est encore connu près de chez vous.
        </p>
      ) : null}
      <ol data-testid="lieux-lettre">
        {places.map((p) => {
          const hours = describeHours(p.horaires, props.now);
          const tel = p.telephone ? telUri(p.telephone) : undefined;
          return (
            <li class="fr-mb-2w">
              <strong>{p.nom}</strong> — à {p.distance_km.toLocaleString('fr-FR', { maximumFractionDigits: 1 })} km
              <br />
              {p.adresse}, {p.code_postal} {p.commune}
              {p.telephone ? (
                <>
                  <br />
                  Téléphone : {tel ? <a href={tel}>{formatPhone(p.telephone)}</a> : formatPhone(p.telephone)}
                </>
              ) : null}
              {hours?.week ? (
                <ul class="pa-list-plain fr-text--sm fr-mb-0">
                  {hours.week.map((d) => (
                    <li>
                      {d.day} : {d.text}
                    </li>
                  ))}
                </ul>
              ) : hours ? (
                <>
                  <br />
                  Horaires : {hours.raw}
                </>
              ) : (
                <>
                  <br />
                  Horaires : appelez avant de venir.
                </>
              )}
            </li>
          );
        })}
      </ol>
      <h2 class="fr-h4">Comment faire</h2>
      <ol>
        <li>Appelez ou allez dans un de ces lieux.</li>
        <li>Apportez votre carnet.</li>
        <li>Donnez un chèque à chaque rendez-vous d’aide : vous ne payez rien.</li>
      </ol>
      <p>
        Tous les lieux qui acceptent le Pass numérique près de chez vous :{' '}
        <a href={props.placesUrl} data-testid="lien-lieux">
          {props.placesUrl}
        </a>
      </p>
      <h2 class="fr-h4">Une question ?</h2>
      <p data-testid="contact-prescripteur">
        Ce carnet vous a été remis par {props.distributorName}
        {props.contact ? <>. Contact : {contactText(props.contact)}</> : null}.
      </p>
    </article>
  );
}

/** A phone typed in any form is printed in the French way; an e-mail address as it is. */
function contactText(contact: string) {
  if (contact.includes('@')) return contact;
  const tel = telUri(contact);
  return tel ? <a href={tel}>{formatPhone(contact)}</a> : contact;
}
