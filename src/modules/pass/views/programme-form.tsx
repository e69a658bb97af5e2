/** The form of a new programme (values kept and errors shown field by field after a refused post). */
import type { AppError } from '../../../platform/http/errors.ts';
import { ChoiceGroup, ErrorSummary, InputField, PostForm, SelectField } from '../../../platform/views/components.tsx';
import { SERVICE_LABELS } from '../../lieux/index.ts';

const serviceOptions = Object.entries(SERVICE_LABELS).map(([value, label]) => ({ value, label }));

export function ProgrammeForm(props: {
  csrf: string;
  coordinatorOrgs: Array<{ value: string; label: string }>;
  funders: Array<{ value: string; label: string }>;
  values: Record<string, string | string[]>;
  error?: AppError | undefined;
}) {
  const v = (k: string) =>
    Array.isArray(props.values[k])
      ? (props.values[k] as string[]).join(', ')
      : ((props.values[k] as string | undefined) ?? '');
  const fe = props.error?.fieldErrors ?? {};
  const services = Array.isArray(props.values.services)
    ? props.values.services
    : props.values.services
      ? [props.values.services]
      : Object.keys(SERVICE_LABELS);
  return (
    <>
      <ErrorSummary errors={fe} message={props.error?.userMessage} />
      <PostForm action="/pass/programmes/nouveau" csrf={props.csrf}>
        <InputField
          name="name"
          label="Nom du programme"
          hint="Par exemple « Pass numérique du Var 2026 »"
          value={v('name')}
          error={fe.name}
        />
        {props.coordinatorOrgs.length === 1 ? (
          <input type="hidden" name="coordinatorOrganisationId" value={props.coordinatorOrgs[0]?.value} />
        ) : (
          <SelectField
            name="coordinatorOrganisationId"
            label="Structure qui coordonne"
            placeholder="Choisir"
            options={props.coordinatorOrgs}
            value={v('coordinatorOrganisationId')}
            error={fe.coordinatorOrganisationId}
          />
        )}
        <SelectField
          name="funderOrganisationId"
          label="Financeur"
          placeholder="Choisir"
          options={props.funders}
          value={v('funderOrganisationId')}
          error={fe.funderOrganisationId}
        />
        <InputField
          name="departements"
          label="Départements du territoire"
          hint="Noms ou numéros séparés par des virgules, par exemple « Var, Bouches-du-Rhône » ou « 83, 13 »"
          required={false}
          value={v('departements')}
          error={fe.departements}
        />
        <InputField
          name="communes"
          label="Communes du territoire"
          hint="Noms ou codes postaux séparés par des virgules, par exemple « Toulon, 83400 » (facultatif si des départements sont indiqués)"
          required={false}
          value={v('communes')}
          error={fe.communes}
        />
        <InputField
          name="targetPublics"
          label="Publics visés"
          hint="Par exemple : personnes âgées isolées, demandeurs d’emploi"
          required={false}
          value={v('targetPublics')}
          error={fe.targetPublics}
        />
        <InputField
          name="faceValueEuros"
          label="Valeur d’un chèque (en euros)"
          inputMode="decimal"
          value={v('faceValueEuros') || '10'}
          error={fe.faceValueEuros}
        />
        <InputField
          name="vouchersPerBooklet"
          label="Chèques par carnet"
          inputMode="numeric"
          value={v('vouchersPerBooklet') || '5'}
          error={fe.vouchersPerBooklet}
        />
        <InputField
          name="validFrom"
          label="Début de validité"
          type="date"
          value={v('validFrom')}
          error={fe.validFrom}
        />
        <InputField
          name="validUntil"
          label="Fin de validité"
          type="date"
          value={v('validUntil')}
          error={fe.validUntil}
        />
        <InputField
          name="toleranceDays"
          label="Tolérance après la fin (jours)"
          hint="Les chèques restent acceptés ce nombre de jours après la fin"
          inputMode="numeric"
          value={v('toleranceDays') || '31'}
          error={fe.toleranceDays}
        />
        <InputField
          name="distributionStopDays"
          label="Arrêt de la distribution avant la fin (jours)"
          inputMode="numeric"
          value={v('distributionStopDays') || '15'}
          error={fe.distributionStopDays}
        />
        <ChoiceGroup
          kind="checkbox"
          name="services"
          legend="Services payés par les chèques"
          options={serviceOptions}
          selected={services}
          error={fe.services}
        />
        <button class="fr-btn" type="submit">
          Créer le programme
        </button>
      </PostForm>
    </>
  );
}
