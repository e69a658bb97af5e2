/**
 * The opening-hours part of the place form (ADR 0030): day by day (morning and afternoon
 * ranges, closed days, public holidays, exceptional closures) or, as an expert option, the
 * OpenStreetMap syntax as written. Both parts are in the page: without JavaScript both show
 * and the radio « Saisie » decides which one is saved; with it (hours-editor.js), only the
 * chosen one shows. Switching to the expert syntax writes there what was typed day by day
 * (ADR 0036): without JavaScript through « Passer à la syntaxe experte », a submit that saves
 * nothing; with it, the script posts the same request when the radio changes.
 */
import { ChoiceGroup, fieldId, InputField } from '../../../platform/views/components.tsx';
import { DAY_LABELS, dayField } from '../hours-editor.ts';

type Values = Record<string, string | string[]>;

function one(values: Values, name: string): string {
  const v = values[name];
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
}

function TimeInput(p: { name: string; label: string; srLabel: string; value: string; error?: string | undefined }) {
  const id = fieldId(p.name);
  return (
    <div class={`fr-input-group fr-mb-1w${p.error ? ' fr-input-group--error' : ''}`}>
      <label class="fr-label" for={id}>
        <span class="fr-sr-only">{p.srLabel}, </span>
        {p.label}
      </label>
      <input
        class={`fr-input${p.error ? ' fr-input--error' : ''}`}
        type="time"
        id={id}
        name={p.name}
        value={p.value}
        aria-describedby={p.error ? `${id}-erreur` : undefined}
      />
      {p.error ? (
        <p id={`${id}-erreur`} class="fr-error-text">
          {p.error}
        </p>
      ) : null}
    </div>
  );
}

export function HoursFields(props: {
  values: Values;
  errors: Record<string, string>;
  /** The stored value could not be shown day by day: it opened in the expert field. */
  unrepresentable: boolean;
  /** The day-by-day hours were just written into the expert field (ADR 0036). */
  notice?: string | undefined;
}) {
  const { values, errors: fe } = props;
  const mode = one(values, 'horaires_saisie') === 'expert' ? 'expert' : 'jours';
  const closures = (
    Array.isArray(values.fermetures_exceptionnelles)
      ? values.fermetures_exceptionnelles
      : values.fermetures_exceptionnelles
        ? [values.fermetures_exceptionnelles]
        : []
  ).filter((d) => d !== '');
  return (
    <section class="pa-hours-editor" id="horaires-editeur" aria-labelledby="titre-horaires">
      <h3 class="fr-h5" id="titre-horaires">
        Horaires d’ouverture
      </h3>
      {props.unrepresentable ? (
        <div class="fr-alert fr-alert--info fr-alert--sm fr-mb-2w" data-testid="horaires-expert-garde">
          <p>
            Ces horaires utilisent des règles que la saisie jour par jour ne sait pas montrer : ils sont gardés tels
            quels dans le champ expert ci-dessous.
          </p>
        </div>
      ) : null}
      <ChoiceGroup
        kind="radio"
        name="horaires_saisie"
        legend="Saisie"
        inline
        options={[
          { value: 'jours', label: 'Jour par jour' },
          { value: 'expert', label: 'Syntaxe experte (OpenStreetMap)' },
        ]}
        selected={[mode]}
      />
      <div id="horaires-jours" data-horaires="jours">
        <p class="fr-hint-text">
          Un jour sans horaire est fermé. Journée continue : remplissez seulement la première plage.
        </p>
        {DAY_LABELS.map((label, d) => {
          const closed = one(values, dayField(d, 'ferme')) !== '';
          return (
            <fieldset class="fr-fieldset pa-hours-day" aria-labelledby={`legende-jour-${d}`}>
              <legend class="fr-fieldset__legend fr-text--bold fr-mb-0" id={`legende-jour-${d}`}>
                {label}
              </legend>
              <div class="fr-fieldset__element">
                <div class="fr-checkbox-group fr-checkbox-group--sm">
                  <input
                    type="checkbox"
                    id={fieldId(dayField(d, 'ferme'))}
                    name={dayField(d, 'ferme')}
                    value="on"
                    checked={closed}
                  />
                  <label class="fr-label" for={fieldId(dayField(d, 'ferme'))}>
                    Fermé le {label.toLowerCase()}
                  </label>
                  {fe[dayField(d, 'ferme')] ? <p class="fr-error-text">{fe[dayField(d, 'ferme')]}</p> : null}
                </div>
              </div>
              {(
                [
                  ['matin', 'Matin (ou journée continue)'],
                  ['apm', 'Après-midi'],
                ] as const
              ).map(([part, partLabel]) => (
                <div class="fr-fieldset__element">
                  <p class="fr-text--sm fr-mb-1v">{partLabel}</p>
                  <div class="pa-hours-range">
                    <TimeInput
                      name={dayField(d, `${part}_de`)}
                      label="de"
                      srLabel={`${label}, ${partLabel}`}
                      value={one(values, dayField(d, `${part}_de`))}
                      error={fe[dayField(d, `${part}_de`)]}
                    />
                    <TimeInput
                      name={dayField(d, `${part}_a`)}
                      label="à"
                      srLabel={`${label}, ${partLabel}`}
                      value={one(values, dayField(d, `${part}_a`))}
                      error={fe[dayField(d, `${part}_a`)]}
                    />
                  </div>
                </div>
              ))}
            </fieldset>
          );
        })}
        <div class="fr-checkbox-group fr-mb-2w">
          <input
            type="checkbox"
            id="champ-feries_ferme"
            name="feries_ferme"
            value="on"
            checked={one(values, 'feries_ferme') !== ''}
          />
          <label class="fr-label" for="champ-feries_ferme">
            Fermé les jours fériés
          </label>
        </div>
        <fieldset class="fr-fieldset" aria-labelledby="legende-fermetures">
          <legend class="fr-fieldset__legend fr-text--regular" id="legende-fermetures">
            Fermetures exceptionnelles (facultatif)
            <span class="fr-hint-text">
              Un jour par case, par exemple le 24 décembre. Videz une case pour l’enlever.
            </span>
          </legend>
          {[...closures, '', ''].map((date, i) => (
            <div class="fr-fieldset__element">
              <div class={`fr-input-group${fe.fermetures_exceptionnelles && i === 0 ? ' fr-input-group--error' : ''}`}>
                <label
                  class="fr-label"
                  for={
                    i === 0 ? fieldId('fermetures_exceptionnelles') : `${fieldId('fermetures_exceptionnelles')}-${i}`
                  }
                >
                  Jour de fermeture exceptionnelle {i + 1}
                </label>
                <input
                  class="fr-input"
                  type="date"
                  id={i === 0 ? fieldId('fermetures_exceptionnelles') : `${fieldId('fermetures_exceptionnelles')}-${i}`}
                  name="fermetures_exceptionnelles"
                  value={date}
                />
                {fe.fermetures_exceptionnelles && i === 0 ? (
                  <p class="fr-error-text">{fe.fermetures_exceptionnelles}</p>
                ) : null}
              </div>
            </div>
          ))}
        </fieldset>
      </div>
      <div id="horaires-expert" data-horaires="expert">
        {/* Without JavaScript the radio cannot rewrite the field: this button asks the server. */}
        <div class="fr-mb-2w" id="horaires-vers-expert">
          <button class="fr-btn fr-btn--secondary fr-btn--sm" type="submit" name="horaires_action" value="expert">
            Passer à la syntaxe experte
          </button>
          <p class="fr-hint-text fr-mt-1v">
            Écrit dans le champ ci-dessous les horaires saisis jour par jour, sans rien enregistrer.
          </p>
        </div>
        <div id="horaires-converties" role="status">
          {props.notice ? (
            <div class="fr-alert fr-alert--info fr-alert--sm fr-mb-2w" data-testid="horaires-converties">
              <p>{props.notice}</p>
            </div>
          ) : null}
        </div>
        <InputField
          name="horaires"
          label="Horaires, syntaxe experte"
          hint="Format OpenStreetMap, utilisé seulement si « Syntaxe experte » est choisi : jours en anglais abrégés (Mo Tu We Th Fr Sa Su), par exemple « Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off »."
          required={false}
          value={one(values, 'horaires')}
          error={fe.horaires}
        />
      </div>
      <InputField
        name="ferme_jusqu_au"
        label="Fermé temporairement jusqu’au (facultatif)"
        hint="Travaux, congés : le lieu reste visible, annonce sa réouverture le lendemain et propose d’autres lieux. Videz la case pour le rouvrir."
        type="date"
        required={false}
        value={one(values, 'ferme_jusqu_au')}
        error={fe.ferme_jusqu_au}
      />
    </section>
  );
}
