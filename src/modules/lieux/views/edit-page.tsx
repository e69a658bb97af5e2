/** The form a structure uses to keep its place up to date (all the standard's fields). */

import type { AppError } from '../../../platform/http/errors.ts';
import { formatDate } from '../../../platform/print/index.ts';
import {
  Breadcrumb,
  ChoiceGroup,
  ErrorSummary,
  InputField,
  PostForm,
  SelectField,
} from '../../../platform/views/components.tsx';
import { readHours, weekToFields } from '../hours-editor.ts';
import type { PlaceRecord } from '../places-repository.ts';
import { ENUMS, type EnumField } from '../standard.ts';
import { ongoingClosureEnd } from '../update-place.ts';
import { filterLegends, optionsOf } from './format.ts';
import { HoursFields } from './hours-fields.tsx';

type Values = Record<string, string | string[]>;

/** The stored fields as form values (the hours as written: saved as they are). */
export function placeToValues(p: PlaceRecord): Values {
  const out: Values = {};
  for (const [k, v] of Object.entries(p)) {
    if (Array.isArray(v)) out[k] = v.map(String);
    else if (v === null || v === undefined) out[k] = '';
    else out[k] = String(v);
  }
  return out;
}

/** What the edit page opens with: the hours read back day by day when they can be (ADR 0030). */
export function editFormValues(p: PlaceRecord, today: string): { values: Values; hoursUnrepresentable: boolean } {
  const out = placeToValues(p);
  const hours = readHours(p.horaires, today);
  if (hours.kind === 'week') Object.assign(out, weekToFields(hours.week), { horaires_saisie: 'jours' });
  else out.horaires_saisie = 'expert';
  out.ferme_jusqu_au = ongoingClosureEnd(p, today);
  return { values: out, hoursUnrepresentable: hours.kind === 'expert' };
}

function text(values: Values, name: string): string {
  const v = values[name];
  return Array.isArray(v) ? v.join('\n') : (v ?? '');
}

function list(values: Values, name: string): string[] {
  const v = values[name];
  return Array.isArray(v) ? v : v ? [v] : [];
}

function TextArea(p: {
  name: string;
  label: string;
  hint?: string;
  value: string;
  error?: string | undefined;
  rows?: number;
}) {
  const id = `champ-${p.name}`;
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
        rows={p.rows ?? 3}
        aria-describedby={p.error ? `${id}-erreur` : undefined}
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

export function EditPlacePage(props: {
  place: PlaceRecord;
  values: Values;
  csrf: string;
  error?: AppError | undefined;
  canAssign: boolean;
  organisations: Array<{ value: string; label: string }>;
  /** The stored hours could not be shown day by day (they open in the expert field). */
  hoursUnrepresentable?: boolean;
  /** Said above the expert field once the day-by-day hours were written into it (ADR 0036). */
  hoursNotice?: string | undefined;
}) {
  const { place, values } = props;
  const fe = props.error?.fieldErrors ?? {};
  const enumGroup = (field: EnumField) => (
    <ChoiceGroup
      kind="checkbox"
      name={field}
      legend={filterLegends[field]}
      options={optionsOf(field)}
      selected={list(values, field)}
      error={fe[field]}
    />
  );
  const path = `/lieux/${encodeURIComponent(place.id)}`;
  return (
    <>
      <Breadcrumb
        items={[
          { label: 'Trouver de l’aide', href: '/lieux' },
          { label: place.nom, href: path },
          { label: 'Modifier' },
        ]}
      />
      <h1>Modifier « {place.nom} »</h1>
      <p>
        Ces informations sont publiques. La date de mise à jour sera celle d'aujourd'hui. Identifiant :{' '}
        <code>{place.id}</code>
      </p>
      <ErrorSummary errors={fe} message={props.error?.userMessage} />
      <PostForm action={`${path}/modifier`} csrf={props.csrf}>
        {/* The form's default button (Enter in a field saves), ahead of « Passer à la syntaxe experte ». */}
        <button type="submit" hidden tabindex={-1}>
          Enregistrer
        </button>
        <h2 class="fr-h4">Le lieu</h2>
        <InputField name="nom" label="Nom du lieu" value={text(values, 'nom')} error={fe.nom} />
        <InputField
          name="pivot"
          label="SIRET de la structure (ou RNA)"
          hint="14 chiffres"
          value={text(values, 'pivot')}
          error={fe.pivot}
        />
        <TextArea
          name="presentation_resume"
          label="Présentation courte (280 caractères au plus)"
          value={text(values, 'presentation_resume')}
          error={fe.presentation_resume}
        />
        <TextArea
          name="presentation_detail"
          label="Présentation détaillée"
          rows={5}
          value={text(values, 'presentation_detail')}
          error={fe.presentation_detail}
        />
        <InputField
          name="typologie"
          label="Type de lieu"
          hint="Codes séparés par « | », par exemple CCAS|ASSO"
          required={false}
          value={list(values, 'typologie').join('|')}
          error={fe.typologie}
        />
        <InputField
          name="structure_parente"
          label="Réseau ou structure parente"
          required={false}
          value={text(values, 'structure_parente')}
          error={fe.structure_parente}
        />
        <InputField
          name="source"
          label="Source des données"
          required={false}
          value={text(values, 'source')}
          error={fe.source}
        />

        <h2 class="fr-h4 fr-mt-4w">Adresse</h2>
        <InputField
          name="adresse"
          label="Adresse (numéro et voie)"
          value={text(values, 'adresse')}
          error={fe.adresse}
        />
        <InputField
          name="complement_adresse"
          label="Complément d'adresse"
          required={false}
          value={text(values, 'complement_adresse')}
          error={fe.complement_adresse}
        />
        <InputField
          name="code_postal"
          label="Code postal"
          inputMode="numeric"
          value={text(values, 'code_postal')}
          error={fe.code_postal}
        />
        <InputField
          name="commune"
          label="Commune"
          hint="Le nom de la commune, comme « Toulon » ou « La Seyne-sur-Mer » : son code INSEE est retrouvé avec le code postal."
          value={text(values, 'commune')}
          error={fe.commune}
        />
        <InputField
          name="latitude"
          label="Latitude"
          hint="Par exemple 43.1242. Vide : le lieu est placé au centre de sa commune."
          required={false}
          inputMode="decimal"
          value={text(values, 'latitude')}
          error={fe.latitude}
        />
        <InputField
          name="longitude"
          label="Longitude"
          hint="Par exemple 5.9280"
          required={false}
          inputMode="decimal"
          value={text(values, 'longitude')}
          error={fe.longitude}
        />
        <ChoiceGroup
          kind="checkbox"
          name="itinerance"
          legend={filterLegends.itinerance}
          options={(ENUMS.itinerance as readonly string[]).map((v) => ({ value: v, label: v }))}
          selected={list(values, 'itinerance')}
          error={fe.itinerance}
        />

        <h2 class="fr-h4 fr-mt-4w">Horaires et contact</h2>
        <HoursFields
          values={values}
          errors={fe}
          unrepresentable={props.hoursUnrepresentable ?? false}
          notice={props.hoursNotice}
        />
        <InputField
          name="telephone"
          label="Téléphone"
          type="tel"
          hint="Par exemple 04 92 31 43 87"
          required={false}
          value={text(values, 'telephone')}
          error={fe.telephone}
        />
        <TextArea
          name="courriels"
          label="Adresses e-mail"
          hint="Une par ligne"
          value={list(values, 'courriels').join('\n')}
          error={fe.courriels}
          rows={2}
        />
        <TextArea
          name="site_web"
          label="Sites web"
          hint="Une adresse par ligne"
          value={list(values, 'site_web').join('\n')}
          error={fe.site_web}
          rows={2}
        />
        <InputField
          name="prise_rdv"
          label="Lien de prise de rendez-vous"
          type="url"
          required={false}
          value={text(values, 'prise_rdv')}
          error={fe.prise_rdv}
        />
        <InputField
          name="fiche_acces_libre"
          label="Fiche Acceslibre (accessibilité)"
          type="url"
          required={false}
          value={text(values, 'fiche_acces_libre')}
          error={fe.fiche_acces_libre}
        />

        <h2 class="fr-h4 fr-mt-4w">Offre</h2>
        {enumGroup('services')}
        {enumGroup('modalites_accompagnement')}
        {enumGroup('frais_a_charge')}
        {enumGroup('modalites_acces')}
        {enumGroup('publics_specifiquement_adresses')}
        {enumGroup('prise_en_charge_specifique')}
        {enumGroup('dispositif_programmes_nationaux')}
        {enumGroup('formations_labels')}
        <InputField
          name="autres_formations_labels"
          label="Autres formations ou labels"
          required={false}
          value={text(values, 'autres_formations_labels')}
          error={fe.autres_formations_labels}
        />
        <button class="fr-btn" type="submit">
          Enregistrer
        </button>
      </PostForm>

      <h2 class="fr-h4 fr-mt-6w">Ouverture au public</h2>
      {place.status === 'open' ? (
        <PostForm action={`${path}/fermer`} csrf={props.csrf}>
          <p>Si le lieu ne reçoit plus de public, il n'apparaîtra plus dans les recherches. Vous pourrez le rouvrir.</p>
          <button class="fr-btn fr-btn--secondary" type="submit">
            Marquer le lieu comme fermé
          </button>
        </PostForm>
      ) : (
        <PostForm action={`${path}/rouvrir`} csrf={props.csrf}>
          <p>Ce lieu est marqué comme fermé : il n'apparaît pas dans les recherches.</p>
          <button class="fr-btn fr-btn--secondary" type="submit">
            Rouvrir le lieu
          </button>
        </PostForm>
      )}
      <h2 class="fr-h4 fr-mt-6w">Ce qu’il faut apporter</h2>
      <PostForm action={`${path}/a-apporter`} csrf={props.csrf}>
        <TextArea
          name="a_apporter"
          label="Ce que la personne doit apporter (facultatif)"
          hint="Par exemple : pièce d'identité, identifiants, dernier avis d'imposition. Affiché sur la page du lieu."
          value={place.what_to_bring ?? ''}
        />
        <button class="fr-btn fr-btn--secondary" type="submit">
          Mettre à jour ce qu’il faut apporter
        </button>
      </PostForm>

      <h2 class="fr-h4 fr-mt-6w">Fermeture temporaire ou exceptionnelle</h2>
      {place.closed_from && place.closed_until ? (
        <PostForm action={`${path}/fermeture/annuler`} csrf={props.csrf}>
          <p>
            Fermé du {formatDate(place.closed_from)} au {formatDate(place.closed_until)} inclus. Pendant ces jours, la
            page du lieu l’annonce et propose les lieux ouverts les plus proches.
          </p>
          <button class="fr-btn fr-btn--secondary" type="submit">
            Annuler cette fermeture
          </button>
        </PostForm>
      ) : (
        <PostForm action={`${path}/fermeture`} csrf={props.csrf}>
          <p>Travaux, congés, jour de fermeture exceptionnelle : le lieu reste visible et annonce sa réouverture.</p>
          <InputField name="du" label="Premier jour de fermeture" type="date" />
          <InputField name="au" label="Dernier jour de fermeture" type="date" />
          <button class="fr-btn fr-btn--secondary" type="submit">
            Déclarer cette fermeture
          </button>
        </PostForm>
      )}
      {props.canAssign ? (
        <>
          <h2 class="fr-h4 fr-mt-6w">Structure qui tient ce lieu à jour</h2>
          <PostForm action={`${path}/rattacher`} csrf={props.csrf}>
            <SelectField
              name="organisation"
              label="Structure"
              placeholder="Aucune"
              options={props.organisations}
              value={place.organisation_id ?? ''}
              error={fe.organisation}
            />
            <button class="fr-btn fr-btn--secondary" type="submit">
              Rattacher
            </button>
          </PostForm>
        </>
      ) : null}
    </>
  );
}
