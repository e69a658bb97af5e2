/** Views of the mandate pages, built from plain view models. */

import type { AppError } from '../../../platform/http/errors.ts';
import { formatDate, formatDateTime } from '../../../platform/print/index.ts';
import { ChoiceGroup, ErrorSummary, InputField, PostForm } from '../../../platform/views/components.tsx';
import { FAMILIES, familyTitle } from '../families.ts';
import { DURATIONS } from '../mandate-rules.ts';

export interface MandateSummary {
  id: string;
  person: string;
  families: string[];
  expiresAt: Date;
  status: 'valide' | 'expiré' | 'révoqué';
}

export function MandateList(props: { mandates: MandateSummary[] }) {
  if (props.mandates.length === 0) return <p>Aucun mandat pour cette structure.</p>;
  return (
    <ul data-testid="mandats">
      {props.mandates.map((m) => (
        <li>
          <a href={`/mandats/${m.id}`}>{m.person}</a> — {m.families.map(familyTitle).join(', ')} —{' '}
          {m.status === 'valide' ? `valide jusqu'au ${formatDate(m.expiresAt)}` : m.status}
        </li>
      ))}
    </ul>
  );
}

export function DraftFields(props: {
  allowed: readonly string[];
  families: readonly string[];
  duration: string | undefined;
  error?: AppError | undefined;
}) {
  const fe = props.error?.fieldErrors ?? {};
  return (
    <>
      <ChoiceGroup
        name="families"
        legend="Familles de démarches"
        hint="Seulement celles pour lesquelles votre structure est habilitée."
        kind="checkbox"
        options={FAMILIES.filter((f) => props.allowed.includes(f.key)).map((f) => ({ value: f.key, label: f.title }))}
        selected={props.families}
        error={fe.families}
      />
      <ChoiceGroup
        name="duration"
        legend="Durée"
        kind="radio"
        options={Object.entries(DURATIONS).map(([value, d]) => ({ value, label: d.label }))}
        selected={props.duration ? [props.duration] : []}
        error={fe.duration}
      />
    </>
  );
}

export function ConsentFields(props: { error?: AppError | undefined }) {
  const fe = props.error?.fieldErrors ?? {};
  return (
    <>
      <div class={`fr-checkbox-group fr-mb-3w${fe.informed ? ' fr-checkbox-group--error' : ''}`}>
        <input type="checkbox" id="champ-informed" name="informed" value="on" />
        <label class="fr-label" for="champ-informed">
          J'ai informé la personne de ce que permet ce mandat, de l'usage de ses données et de ses droits (dont la
          révocation à tout moment), et elle a donné son accord.
        </label>
        {fe.informed ? <p class="fr-error-text">{fe.informed}</p> : null}
      </div>
      <InputField
        name="code"
        label="Votre code de double authentification"
        hint="Le code à 6 chiffres affiché maintenant par votre application."
        autocomplete="one-time-code"
        inputMode="numeric"
        maxLength={11}
        error={fe.code}
        spellcheck={false}
      />
    </>
  );
}

export interface MandateDetailModel {
  id: string;
  person: { givenName: string; familyName: string; birthdate: string };
  organisationName: string;
  duration: string;
  createdAt: Date;
  expiresAt: Date;
  status: 'valide' | 'expiré' | 'révoqué';
  authorisations: Array<{ family: string; revokedAt: Date | null }>;
  renewable: boolean;
  uses: Array<{ usedAt: Date; helperFirstName: string; partner: string; family: string }>;
  /** The people module's record this structure linked the usager to (only for the structure holding the mandate). */
  personLink?: { personId: string; linkedAt: Date } | undefined;
}

export function MandateDetail(props: { m: MandateDetailModel; csrf: string; error?: AppError | undefined }) {
  const m = props.m;
  const active = m.authorisations.filter((a) => !a.revokedAt);
  return (
    <>
      <h1>
        Mandat de {m.person.givenName} {m.person.familyName}
      </h1>
      <ErrorSummary errors={props.error?.fieldErrors ?? {}} message={props.error?.userMessage} />
      <p data-testid="etat-mandat">
        {m.status === 'valide'
          ? `Valide jusqu'au ${formatDateTime(m.expiresAt)}.`
          : m.status === 'révoqué'
            ? 'Ce mandat est révoqué.'
            : `Ce mandat a expiré le ${formatDateTime(m.expiresAt)}.`}
      </p>
      <ul>
        {m.authorisations.map((a) => (
          <li>
            {familyTitle(a.family)}
            {a.revokedAt ? ` — révoquée le ${formatDate(a.revokedAt)}` : ''}
          </li>
        ))}
      </ul>
      {m.personLink ? (
        <p data-testid="lien-personne">
          Identité FranceConnect liée le {formatDate(m.personLink.linkedAt)} à la{' '}
          <a class="fr-link" href={`/espace/personnes/${m.personLink.personId}`}>
            fiche de la personne suivie par votre structure
          </a>
          .
        </p>
      ) : null}
      <p>
        <a class="fr-link fr-icon-download-line fr-link--icon-left" href={`/mandats/${m.id}/attestation.pdf`}>
          Imprimer l'attestation (PDF)
        </a>
      </p>
      {m.renewable ? (
        <p>
          <a class="fr-btn fr-btn--secondary" href={`/mandats/${m.id}/renouveler`}>
            Renouveler ce mandat
          </a>
        </p>
      ) : null}
      {m.status === 'valide' && active.length > 0 ? (
        <PostForm action={`/mandats/${m.id}/revoquer`} csrf={props.csrf} class="fr-mt-3w">
          <ChoiceGroup
            name="families"
            legend="Révoquer"
            hint="Cochez des familles pour ne révoquer qu'elles ; sans case cochée, tout le mandat est révoqué."
            kind="checkbox"
            options={active.map((a) => ({ value: a.family, label: familyTitle(a.family) }))}
            selected={[]}
          />
          <button class="fr-btn fr-btn--tertiary" type="submit">
            Révoquer
          </button>
        </PostForm>
      ) : null}
      <h2 class="fr-h5 fr-mt-4w">Utilisations</h2>
      {m.uses.length === 0 ? <p>Aucune utilisation pour l'instant.</p> : null}
      <ul>
        {m.uses.map((u) => (
          <li>
            {formatDateTime(u.usedAt)} — {u.helperFirstName} — {u.partner} — {familyTitle(u.family)}
          </li>
        ))}
      </ul>
    </>
  );
}
