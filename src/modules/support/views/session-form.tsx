/**
 * The form of a support session. Works without JavaScript: the workshop part is a <details>,
 * the procedure families show once « Aide aux démarches administratives » is ticked (CSS
 * :has(), shown anyway where it is not supported). Everything the helper chose last time is
 * pre-selected, so a typical session is: tick a theme, choose the autonomy, save.
 */
import type { ComponentChildren } from 'preact';
import type { FieldErrors } from '../../../platform/http/errors.ts';
import {
  Breadcrumb,
  ChoiceGroup,
  ErrorSummary,
  fieldId,
  InputField,
  PostForm,
  SelectField,
} from '../../../platform/views/components.tsx';
import {
  ADMINISTRATIVE_THEME,
  AGE_BANDS,
  AUTONOMY,
  DEVICES,
  GENDERS,
  ORIENTATION_KINDS,
  PLACE_KINDS,
  PROCEDURES,
  SELF_ASSESSMENT,
  STATUSES,
  THEMES,
  WORKSHOP_LEVELS,
} from '../data.ts';
import type { SessionRow } from '../sessions-repository.ts';
import type { FormOptions } from '../view-sessions.ts';

export type FormValues = Record<string, string | string[]>;

export function str(v: FormValues, name: string): string {
  const x = v[name];
  return Array.isArray(x) ? (x[x.length - 1] ?? '') : (x ?? '');
}
export function list(v: FormValues, name: string): string[] {
  const x = v[name];
  return Array.isArray(x) ? x : x ? [x] : [];
}

/** Form values of a new session: the remembered choices, then what the address pre-fills. */
export function initialValues(options: FormOptions, prefill: FormValues): FormValues {
  const d = options.defaults;
  const org = options.organisations.find((o) => o.id === options.organisationId);
  const placeId = d.placeId && org?.places.some((p) => p.id === d.placeId) ? d.placeId : (org?.places[0]?.id ?? '');
  const duration = d.durationMinutes ?? 30;
  const values: FormValues = {
    organisation: options.organisationId,
    type: d.kind ?? 'individuel',
    date: options.today,
    duree: options.durations.includes(duration) ? String(duration) : 'autre',
    duree_autre: options.durations.includes(duration) ? '' : String(duration),
    lieu_type: d.placeKind ?? (placeId ? 'lieu' : 'distance'),
    lieu: placeId,
    materiel: d.devices ?? [],
  };
  for (const [k, v] of Object.entries(prefill)) values[k] = v;
  return values;
}

/**
 * Form values of an existing session (edit). A duration the form offers (`durations`: 45 min…)
 * opens as that choice, checked; any other as « Autre durée » with its minutes.
 */
export function valuesOf(s: SessionRow, participants: string[], durations: readonly number[]): FormValues {
  const a = s.anonymousCounts;
  const offered = durations.includes(s.durationMinutes);
  const values: FormValues = {
    organisation: s.organisationId,
    type: s.kind,
    date: s.sessionDate,
    duree: offered ? String(s.durationMinutes) : 'autre',
    duree_autre: offered ? '' : String(s.durationMinutes),
    lieu_type: s.placeKind,
    lieu: s.placeId ?? '',
    commune: s.communeInsee ?? '',
    thematiques: s.themes,
    demarches: s.procedures,
    demarche_nom: s.procedureName ?? '',
    materiel: s.devices,
    autonomie: s.autonomy ?? '',
    refaire_seul: s.selfAssessment ?? '',
    orientation: s.orientedTo ?? '',
    orientation_lieu: s.orientedPlaceId ?? '',
    notes: s.notes ?? '',
    atelier_titre: s.workshopTitle ?? '',
    atelier_niveau: s.workshopLevel ?? '',
    personne: s.personId ? [s.personId] : [],
    participants,
    mandat: s.mandateId ?? '',
  };
  if (a) {
    values.anonymes_total = String(a.total);
    values.anonymes_deja = String(a.deja);
    for (const g of GENDERS) values[`anonymes_genre_${g.key}`] = String(a.genre[g.key] ?? 0);
    AGE_BANDS.forEach((b, i) => {
      values[`anonymes_age_${i}`] = String(a.age[b] ?? 0);
    });
    STATUSES.forEach((b, i) => {
      values[`anonymes_statut_${i}`] = String(a.statut[b] ?? 0);
    });
  }
  return values;
}

function minutes(n: number): string {
  if (n < 60) return `${n} min`;
  const h = Math.floor(n / 60);
  const m = n % 60;
  return m === 0 ? `${h} h` : `${h} h ${m}`;
}

function TextArea(p: { name: string; label: string; hint?: string; value: string; error?: string | undefined }) {
  const id = fieldId(p.name);
  return (
    <div class={`fr-input-group${p.error ? ' fr-input-group--error' : ''}`}>
      <label class="fr-label" for={id}>
        {p.label}
        {p.hint ? <span class="fr-hint-text">{p.hint}</span> : null}
      </label>
      <textarea class="fr-input" id={id} name={p.name} rows={3} maxLength={2000}>
        {p.value}
      </textarea>
      {p.error ? <p class="fr-error-text">{p.error}</p> : null}
    </div>
  );
}

function Count(p: { name: string; label: string; values: FormValues; errors: FieldErrors }) {
  return (
    <InputField
      name={p.name}
      label={p.label}
      inputMode="numeric"
      pattern="[0-9]*"
      maxLength={3}
      value={str(p.values, p.name)}
      error={p.errors[p.name]}
      required={false}
    />
  );
}

export function SessionFormPage(p: {
  csrf: string;
  options: FormOptions;
  values: FormValues;
  errors: FieldErrors;
  message?: string | undefined;
  action: string;
  editing: boolean;
  slipNotice?: string | undefined;
  personPicker?: ComponentChildren;
  /** The structure's mandates valid on the session's date (absent: the mandates module is not wired). */
  mandates?: ReadonlyArray<{ id: string; label: string }> | undefined;
  /** A search for a followed person (a GET form, outside the session's form). */
  search?: ComponentChildren;
}) {
  const { options, values, errors } = p;
  const org = options.organisations.find((o) => o.id === str(values, 'organisation')) ?? options.organisations[0];
  const places = org?.places ?? [];
  const kind = str(values, 'type') || 'individuel';
  const durationChoices = [
    ...options.durations.map((d) => ({ value: String(d), label: minutes(d) })),
    { value: 'autre', label: 'Autre durée' },
  ];
  const title = p.editing ? 'Modifier une séance' : 'Enregistrer un accompagnement';
  return (
    <>
      <Breadcrumb
        items={[
          { label: 'Espace', href: '/espace' },
          { label: 'Accompagnements', href: '/accompagnements' },
          { label: title },
        ]}
      />
      <h1>{title}</h1>
      <ErrorSummary errors={errors} message={p.message} />
      {p.slipNotice ? (
        <div class="fr-alert fr-alert--info fr-alert--sm fr-mb-3w">
          <p>{p.slipNotice}</p>
        </div>
      ) : null}
      {p.search}
      <PostForm action={p.action} csrf={p.csrf} class="pa-session-form">
        {str(values, 'fiche') ? <input type="hidden" name="fiche" value={str(values, 'fiche')} /> : null}
        {str(values, 'cheque') && !p.editing ? (
          <input type="hidden" name="cheque" value={str(values, 'cheque')} />
        ) : null}
        {options.organisations.length > 1 && !p.editing ? (
          <SelectField
            name="organisation"
            label="Structure"
            options={options.organisations.map((o) => ({ value: o.id, label: o.name }))}
            value={str(values, 'organisation')}
            error={errors.organisation}
          />
        ) : (
          <input type="hidden" name="organisation" value={org?.id ?? ''} />
        )}
        <ChoiceGroup
          name="type"
          legend="Type d’accompagnement"
          kind="radio"
          inline
          options={[
            { value: 'individuel', label: 'Individuel' },
            { value: 'atelier', label: 'Atelier collectif' },
          ]}
          selected={[kind]}
          error={errors.type}
        />
        {p.personPicker}
        <ChoiceGroup
          name="thematiques"
          legend="Thèmes"
          hint="Au moins un."
          kind="checkbox"
          options={THEMES.map((t) => ({ value: t.key, label: t.label }))}
          selected={list(values, 'thematiques')}
          error={errors.thematiques}
        />
        <div class="pa-demarches" data-theme={ADMINISTRATIVE_THEME}>
          <ChoiceGroup
            name="demarches"
            legend="Démarches administratives : familles"
            hint="Si vous avez coché « Aide aux démarches administratives »."
            kind="checkbox"
            options={PROCEDURES.map((t) => ({ value: t.key, label: t.label }))}
            selected={list(values, 'demarches')}
            error={errors.demarches}
          />
          <InputField
            name="demarche_nom"
            label="Nom de la démarche"
            hint="Par exemple : déclaration de revenus."
            value={str(values, 'demarche_nom')}
            error={errors.demarche_nom}
            required={false}
            maxLength={200}
          />
        </div>
        <ChoiceGroup
          name="autonomie"
          legend="Autonomie de la personne à la fin"
          hint="Pour un accompagnement individuel."
          kind="radio"
          options={AUTONOMY.map((a) => ({ value: a.key, label: a.label }))}
          selected={[str(values, 'autonomie')]}
          error={errors.autonomie}
        />
        <ChoiceGroup
          name="refaire_seul"
          legend="Question à la personne : « Pourriez-vous le refaire seul(e) ? »"
          hint="Facultatif : sa réponse, pas la vôtre."
          kind="radio"
          inline
          options={SELF_ASSESSMENT.map((a) => ({ value: a.key, label: a.label }))}
          selected={[str(values, 'refaire_seul')]}
          error={errors.refaire_seul}
        />
        <ChoiceGroup
          name="duree"
          legend="Durée"
          kind="radio"
          inline
          options={durationChoices}
          selected={[str(values, 'duree')]}
          error={errors.duree}
        />
        <InputField
          name="duree_autre"
          label="Autre durée, en minutes"
          hint="Si « Autre durée » : de 1 à 480 minutes."
          inputMode="numeric"
          pattern="[0-9]*"
          maxLength={4}
          value={str(values, 'duree_autre')}
          error={errors.duree_autre}
          required={false}
        />
        <InputField name="date" label="Date" type="date" value={str(values, 'date')} error={errors.date} />
        <ChoiceGroup
          name="lieu_type"
          legend="Où"
          kind="radio"
          options={PLACE_KINDS.filter((k) => k.key !== 'lieu' || places.length > 0).map((k) => ({
            value: k.key,
            label: k.label,
          }))}
          selected={[str(values, 'lieu_type')]}
          error={errors.lieu_type}
        />
        {places.length > 0 ? (
          <SelectField
            name="lieu"
            label="Lieu de la structure"
            options={places.map((pl) => ({ value: pl.id, label: pl.label }))}
            value={str(values, 'lieu')}
            error={errors.lieu}
          />
        ) : null}
        <InputField
          name="commune"
          label="Commune (à domicile ou ailleurs)"
          hint="Nom ou code postal, par exemple 83000."
          value={str(values, 'commune')}
          error={errors.commune}
          required={false}
          maxLength={100}
        />
        <ChoiceGroup
          name="materiel"
          legend="Matériel utilisé"
          kind="checkbox"
          inline
          options={DEVICES.map((d) => ({ value: d, label: d }))}
          selected={list(values, 'materiel')}
          error={errors.materiel}
        />
        <details class="fr-mb-3w" open={kind === 'atelier' || Object.keys(errors).some((k) => k.startsWith('a'))}>
          <summary>Atelier collectif : titre, niveau et participants</summary>
          <InputField
            name="atelier_titre"
            label="Titre de l’atelier"
            value={str(values, 'atelier_titre')}
            error={errors.atelier_titre}
            maxLength={200}
          />
          <ChoiceGroup
            name="atelier_niveau"
            legend="Niveau"
            kind="radio"
            inline
            options={WORKSHOP_LEVELS.map((l) => ({ value: l.key, label: l.label }))}
            selected={[str(values, 'atelier_niveau')]}
            error={errors.atelier_niveau}
          />
          <p class="fr-text--sm">
            Participants anonymes : des nombres, jamais des personnes inventées. Laissez vide ce que vous ne savez pas.
          </p>
          <Count name="anonymes_total" label="Participants anonymes (total)" values={values} errors={errors} />
          <Count name="anonymes_deja" label="Dont déjà accompagnés" values={values} errors={errors} />
          {GENDERS.map((g) => (
            <Count name={`anonymes_genre_${g.key}`} label={g.label} values={values} errors={errors} />
          ))}
          <fieldset class="fr-fieldset">
            <legend class="fr-fieldset__legend fr-text--regular">Tranches d’âge</legend>
            {AGE_BANDS.map((b, i) => (
              <Count name={`anonymes_age_${i}`} label={b} values={values} errors={errors} />
            ))}
          </fieldset>
          <fieldset class="fr-fieldset">
            <legend class="fr-fieldset__legend fr-text--regular">Statuts</legend>
            {STATUSES.map((s, i) => (
              <Count name={`anonymes_statut_${i}`} label={s} values={values} errors={errors} />
            ))}
          </fieldset>
        </details>
        <SelectField
          name="orientation"
          label="Orientée vers une autre structure"
          placeholder="Non"
          options={ORIENTATION_KINDS.map((k) => ({ value: k.key, label: k.label }))}
          value={str(values, 'orientation')}
          error={errors.orientation}
        />
        {options.orientationPlaces.length > 0 ? (
          <SelectField
            name="orientation_lieu"
            label="Lieu précis où la personne est orientée (facultatif)"
            placeholder="Aucun lieu précis"
            options={options.orientationPlaces.map((pl) => ({ value: pl.id, label: pl.label }))}
            value={str(values, 'orientation_lieu')}
            error={errors.orientation_lieu}
          />
        ) : null}
        {p.mandates && (p.mandates.length > 0 || str(values, 'mandat') || errors.mandat) ? (
          <SelectField
            name="mandat"
            label="Mandat utilisé (facultatif)"
            hint="Si vous avez agi pour le compte de la personne : un mandat de votre structure valide à la date de la séance."
            placeholder="Aucun mandat"
            options={p.mandates.map((m) => ({ value: m.id, label: m.label }))}
            value={str(values, 'mandat')}
            error={errors.mandat}
          />
        ) : null}
        <TextArea
          name="notes"
          label="Notes (facultatif)"
          hint="Visibles par vous seul·e. N’y écrivez rien que la personne ne pourrait pas lire."
          value={str(values, 'notes')}
          error={errors.notes}
        />
        <ul class="fr-btns-group fr-btns-group--inline-md">
          <li>
            <button type="submit" class="fr-btn">
              {p.editing ? 'Enregistrer les modifications' : 'Enregistrer la séance'}
            </button>
          </li>
        </ul>
      </PostForm>
    </>
  );
}
