/** The search page for usagers: works without JavaScript, on a small phone. */
import type { FieldErrors } from '../../../platform/http/errors.ts';
import { formatDate, formatPhone } from '../../../platform/print/index.ts';
import { ChoiceGroup, ErrorSummary, InputField, SelectField } from '../../../platform/views/components.tsx';
import type { Candidate } from '../gazetteer/resolve-location.ts';
import type { HoursView } from '../opening-hours.ts';
import { DEFAULT_RADIUS_KM, FILTER_FIELDS, type SearchCriteria, searchQueryString } from '../search/search-criteria.ts';
import type { SearchResult } from '../search/search-places.ts';
import {
  type Closure,
  directionsUrl,
  displayCommune,
  displayDistance,
  filterLegends,
  optionsOf,
  serviceLabel,
} from './format.ts';

export interface SearchPageProps {
  criteria: Partial<SearchCriteria>;
  /** Raw values typed, to show them back even when invalid. */
  typed: Record<string, string>;
  errors?: FieldErrors | undefined;
  errorMessage?: string | undefined;
  /** The search waited too long behind an import of places (embedded database): say so. */
  importRunning?: boolean | undefined;
  outcome?:
    | {
        kind: 'results';
        whereLabel: string | null;
        total: number;
        page: number;
        pages: number;
        results: Array<SearchResult & { hours: HoursView | null; acceptsPass?: boolean; closure?: Closure }>;
      }
    | { kind: 'ambiguous'; query: string; candidates: Candidate[] }
    | { kind: 'unknown'; query: string; suggestions: Candidate[] }
    | undefined;
}

/** « Accepte le Pass numérique », on a result card and on the place page. */
export function PassSign() {
  return <p class="fr-card__detail fr-icon-checkbox-circle-line pa-pass">Accepte le Pass numérique</p>;
}

function HoursBadge({ hours }: { hours: HoursView | null }) {
  if (!hours || hours.openNow === null) return <p class="fr-card__detail">Horaires à confirmer auprès du lieu</p>;
  return (
    <>
      <p class={`fr-badge fr-badge--sm ${hours.openNow ? 'fr-badge--success' : 'fr-badge--info'} fr-mb-1v`}>
        {hours.openNow ? 'Ouvert' : 'Fermé'}
      </p>
      <p class="fr-card__detail">{hours.status}</p>
    </>
  );
}

function Result({
  result,
}: {
  result: SearchResult & { hours: HoursView | null; acceptsPass?: boolean; closure?: Closure };
}) {
  const p = result.place;
  const closedNow = result.closure?.now === true;
  const distance = displayDistance(result.distanceKm);
  return (
    <li class="fr-mb-3w">
      <div class="fr-card fr-card--no-arrow">
        <div class="fr-card__body">
          <div class="fr-card__content">
            <h2 class="fr-card__title">
              <a href={`/lieux/${encodeURIComponent(p.id)}`}>{p.nom}</a>
            </h2>
            <p class="fr-card__desc">
              {p.services.length > 0 ? p.services.map(serviceLabel).join(' · ') : 'Aide au numérique'}
              {p.frais_a_charge.length > 0 ? ` — ${p.frais_a_charge.join(', ')}` : ''}
            </p>
            <div class="fr-card__start">
              {closedNow && result.closure ? (
                <>
                  <p class="fr-badge fr-badge--sm fr-badge--warning fr-mb-1v">Fermé temporairement</p>
                  <p class="fr-card__detail">Jusqu’au {formatDate(result.closure.until)} inclus</p>
                </>
              ) : (
                <HoursBadge hours={result.hours} />
              )}
              {result.acceptsPass ? <PassSign /> : null}
            </div>
            <div class="fr-card__end">
              <p class="fr-card__detail">
                {distance ? `${distance} — ` : ''}
                {p.adresse}, {p.code_postal} {displayCommune(p.commune)}
                {p.geo_precision === 'commune' ? ' (position approximative)' : ''}
              </p>
            </div>
          </div>
          {closedNow ? null : (
            <div class="fr-card__footer">
              <ul class="fr-btns-group fr-btns-group--inline-sm fr-btns-group--sm fr-btns-group--icon-left pa-actions">
                {p.telephone ? (
                  <li>
                    <a class="fr-btn fr-btn--secondary fr-icon-phone-line pa-call" href={`tel:${p.telephone}`}>
                      Appeler le {formatPhone(p.telephone)}
                    </a>
                  </li>
                ) : null}
                {p.geo_lat !== null && p.geo_lon !== null && p.geo_precision === 'exact' ? (
                  <li>
                    <a class="fr-btn fr-btn--tertiary" href={directionsUrl(p.geo_lat, p.geo_lon)} rel="noopener">
                      Itinéraire vers {p.nom}
                    </a>
                  </li>
                ) : null}
              </ul>
            </div>
          )}
        </div>
      </div>
    </li>
  );
}

function Pagination({ criteria, page, pages }: { criteria: Partial<SearchCriteria>; page: number; pages: number }) {
  if (pages <= 1) return null;
  const link = (n: number) => `/lieux?${searchQueryString(criteria, { page: n > 1 ? String(n) : undefined })}`;
  return (
    <nav role="navigation" class="fr-pagination pa-pagination" aria-label="Pages de résultats">
      <ul class="fr-pagination__list">
        <li>
          {page > 1 ? (
            <a
              class="fr-pagination__link fr-pagination__link--prev fr-pagination__link--lg-label"
              href={link(page - 1)}
            >
              Page précédente
            </a>
          ) : (
            <a
              class="fr-pagination__link fr-pagination__link--prev fr-pagination__link--lg-label"
              aria-disabled="true"
              role="link"
            >
              Page précédente
            </a>
          )}
        </li>
        <li>
          <a class="fr-pagination__link" aria-current="page" title={`Page ${page} sur ${pages}`}>
            {page} / {pages}
          </a>
        </li>
        <li>
          {page < pages ? (
            <a
              class="fr-pagination__link fr-pagination__link--next fr-pagination__link--lg-label"
              href={link(page + 1)}
            >
              Page suivante
            </a>
          ) : (
            <a
              class="fr-pagination__link fr-pagination__link--next fr-pagination__link--lg-label"
              aria-disabled="true"
              role="link"
            >
              Page suivante
            </a>
          )}
        </li>
      </ul>
    </nav>
  );
}

function ChoiceList({
  criteria,
  title,
  candidates,
}: {
  criteria: Partial<SearchCriteria>;
  title: string;
  candidates: Candidate[];
}) {
  return (
    <div class="fr-callout fr-mb-4w">
      <h2 class="fr-callout__title">{title}</h2>
      <ul>
        {candidates.map((c) => (
          <li>
            <a href={`/lieux?${searchQueryString({ ...criteria, page: 1 }, { commune: c.codeInsee })}`}>{c.label}</a>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** What the search keeps, in words: « Besoins : … » and the other criteria chosen. */
function summaryOf(c: Partial<SearchCriteria>): string {
  const services = c.filters?.services ?? [];
  const parts = [`Besoins : ${services.length > 0 ? services.map(serviceLabel).join(', ') : 'tous'}`];
  if (c.openNow) parts.push('ouvert maintenant');
  if (c.passNumerique) parts.push('accepte le Pass numérique');
  if ((c.radiusKm ?? DEFAULT_RADIUS_KM) !== DEFAULT_RADIUS_KM) parts.push(`jusqu'à ${c.radiusKm} km`);
  const others = FILTER_FIELDS.filter((f) => f !== 'services').flatMap((f) => c.filters?.[f] ?? []);
  if (others.length > 0) parts.push(others.join(', '));
  if (c.q) parts.push(`« ${c.q} »`);
  return parts.join(' · ');
}

/** The criteria other than where, as hidden fields: a new place keeps the filters chosen. */
function KeptCriteria({ criteria }: { criteria: Partial<SearchCriteria> }) {
  const kept = new URLSearchParams(
    searchQueryString(
      { ...criteria, page: 1 },
      { commune: undefined, latitude: undefined, longitude: undefined, q: undefined, page: undefined },
    ),
  );
  return (
    <>
      {[...kept.entries()].map(([name, value]) => (
        <input type="hidden" name={name} value={value} />
      ))}
    </>
  );
}

function PositionButton() {
  return (
    <p class="fr-mb-2w">
      <button
        type="button"
        class="fr-btn fr-btn--tertiary fr-btn--sm fr-icon-map-pin-2-line fr-btn--icon-left"
        id="utiliser-ma-position"
        hidden
      >
        Utiliser ma position
      </button>
      <span id="position-statut" role="status" class="fr-ml-1w" />
    </p>
  );
}

/**
 * « Où êtes-vous ? » — a link with filters but no place yet (the Pass numérique link printed on
 * booklets): ask where, keep the filters.
 */
export function WherePage(props: { criteria: Partial<SearchCriteria>; error?: string | undefined }) {
  const c = props.criteria;
  return (
    <>
      <h1>Où êtes-vous ?</h1>
      <p>
        Indiquez votre ville ou votre code postal : nous vous montrons les lieux d'aide les plus proches
        {c.passNumerique ? ' qui acceptent le Pass numérique' : ''}.
      </p>
      <ErrorSummary errors={props.error ? { commune: props.error } : {}} />
      <form method="get" action="/lieux" role="search" id="recherche">
        <InputField
          name="commune"
          label="Où ?"
          hint="Votre ville ou votre code postal, par exemple « Toulon » ou « 83000 »"
          error={props.error}
          autocomplete="address-level2"
        />
        <input type="hidden" name="latitude" value="" />
        <input type="hidden" name="longitude" value="" />
        <KeptCriteria criteria={c} />
        <PositionButton />
        <button class="fr-btn fr-icon-search-line fr-btn--icon-left" type="submit">
          Rechercher
        </button>
      </form>
      {c.passNumerique ? (
        <p class="fr-mt-4w">
          Le Pass numérique est un chéquier qui vous donne droit à des heures d'aide gratuites dans les lieux qui
          l'acceptent.
        </p>
      ) : null}
    </>
  );
}

function SearchForm(props: SearchPageProps & { heading: boolean }) {
  const c = props.criteria;
  const errors = props.errors ?? {};
  const selected = (field: string) => (c.filters?.[field as keyof typeof c.filters] ?? []) as string[];
  const extraFilters = FILTER_FIELDS.filter((f) => f !== 'services');
  const hasExtra =
    extraFilters.some((f) => selected(f).length > 0) ||
    c.openNow ||
    c.passNumerique ||
    (c.radiusKm ?? DEFAULT_RADIUS_KM) !== DEFAULT_RADIUS_KM;
  return (
    <form
      method="get"
      action="/lieux"
      role="search"
      class="fr-mb-4w pa-search"
      id="recherche"
      aria-labelledby={props.heading ? 'recherche-titre' : undefined}
    >
      {props.heading ? (
        <h2 class="fr-h4" id="recherche-titre">
          Modifier la recherche
        </h2>
      ) : null}
      <InputField
        name="commune"
        label="Où ?"
        hint="Votre ville ou votre code postal, par exemple « Toulon » ou « 83000 »"
        value={props.typed.commune}
        error={errors.commune ?? errors.position}
        autocomplete="address-level2"
      />
      <input type="hidden" name="latitude" value={props.typed.commune ? '' : (props.typed.latitude ?? '')} />
      <input type="hidden" name="longitude" value={props.typed.commune ? '' : (props.typed.longitude ?? '')} />
      <PositionButton />
      <ChoiceGroup
        kind="checkbox"
        name="services"
        legend={filterLegends.services}
        options={optionsOf('services')}
        selected={selected('services')}
        error={errors.services}
      />
      <details class="pa-details" open={hasExtra || extraFilters.some((f) => errors[f]) || Boolean(errors.rayon_km)}>
        <summary>Plus de critères</summary>
        <ChoiceGroup
          kind="checkbox"
          name="ouvert"
          legend="Horaires"
          options={[{ value: 'maintenant', label: 'Ouvert maintenant' }]}
          selected={c.openNow ? ['maintenant'] : []}
        />
        <ChoiceGroup
          kind="checkbox"
          name="pass_numerique"
          legend="Pass numérique"
          options={[{ value: 'oui', label: 'Accepte les chèques Pass numérique' }]}
          selected={c.passNumerique ? ['oui'] : []}
        />
        <SelectField
          name="rayon_km"
          label="Distance maximale"
          options={[5, 10, 20, 50, 100].map((km) => ({ value: String(km), label: `${km} km` }))}
          value={String(c.radiusKm ?? DEFAULT_RADIUS_KM)}
          error={errors.rayon_km}
        />
        {extraFilters.map((field) => (
          <ChoiceGroup
            kind="checkbox"
            name={field}
            legend={filterLegends[field]}
            options={optionsOf(field)}
            selected={selected(field)}
            error={errors[field]}
          />
        ))}
      </details>
      <InputField name="q" label="Nom du lieu ou mot-clé" required={false} value={props.typed.q} error={errors.q} />
      <button class="fr-btn fr-icon-search-line fr-btn--icon-left" type="submit">
        Rechercher
      </button>
    </form>
  );
}

export function SearchPage(props: SearchPageProps) {
  const c = props.criteria;
  const errors = props.errors ?? {};
  const outcome = props.outcome;
  // Once a place is known the results come first: a shared link opens on them, the form
  // (« modifier ») follows them.
  if (outcome?.kind === 'results') {
    const title =
      outcome.total === 0
        ? `Aucun lieu trouvé${outcome.whereLabel ? ` à moins de ${c.radiusKm ?? DEFAULT_RADIUS_KM} km de ${outcome.whereLabel}` : ''}`
        : `${outcome.total} lieu${outcome.total > 1 ? 'x' : ''}${outcome.whereLabel ? ` à moins de ${c.radiusKm ?? DEFAULT_RADIUS_KM} km de ${outcome.whereLabel}` : ''}`;
    return (
      <>
        <h1 class="fr-h3 fr-mb-1w" id="resultats-titre" tabindex={-1}>
          {title}
        </h1>
        <p class="fr-text--sm fr-mb-3w pa-summary">
          {summaryOf(c)} —{' '}
          <a href="#recherche">
            modifier<span class="fr-sr-only"> la recherche</span>
          </a>
        </p>
        <p class="fr-mb-2w">
          <button
            type="button"
            class="fr-btn fr-btn--tertiary fr-btn--sm fr-icon-printer-line fr-btn--icon-left pa-print"
            hidden
          >
            Imprimer la liste
          </button>
        </p>
        {outcome.total === 0 ? (
          <p>
            Essayez avec moins de critères
            {(c.radiusKm ?? DEFAULT_RADIUS_KM) < 100 && outcome.whereLabel ? (
              <>
                {' '}
                ou{' '}
                <a
                  href={`/lieux?${searchQueryString({ ...c, page: 1 }, { rayon_km: String(Math.min(100, (c.radiusKm ?? DEFAULT_RADIUS_KM) * 2.5)) })}`}
                >
                  cherchez plus loin ({Math.min(100, (c.radiusKm ?? DEFAULT_RADIUS_KM) * 2.5)} km)
                </a>
              </>
            ) : null}
            .
          </p>
        ) : null}
        <ol class="pa-list-plain" aria-labelledby="resultats-titre">
          {outcome.results.map((r) => (
            <Result result={r} />
          ))}
        </ol>
        <Pagination criteria={c} page={outcome.page} pages={outcome.pages} />
        <SearchForm {...props} heading />
        <OpenData />
      </>
    );
  }
  return (
    <>
      <h1>Trouver de l'aide près de chez vous</h1>
      {props.importRunning ? <ImportRunning criteria={c} /> : null}
      <ErrorSummary errors={errors} message={props.errorMessage} />
      {outcome?.kind === 'ambiguous' ? (
        <ChoiceList
          criteria={c}
          title={`Plusieurs communes s'appellent « ${outcome.query} » : laquelle ?`}
          candidates={outcome.candidates}
        />
      ) : null}
      {outcome?.kind === 'unknown' ? (
        <div class="fr-alert fr-alert--warning fr-mb-4w" role="alert">
          <h2 class="fr-alert__title">Nous ne trouvons pas « {outcome.query} »</h2>
          <p>Vérifiez l'orthographe, ou saisissez le code postal (5 chiffres).</p>
          {outcome.suggestions.length > 0 ? (
            <>
              <p>Vouliez-vous dire :</p>
              <ul>
                {outcome.suggestions.map((s) => (
                  <li>
                    <a href={`/lieux?${searchQueryString({ ...c, page: 1 }, { commune: s.codeInsee })}`}>{s.label}</a>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </div>
      ) : null}
      <SearchForm {...props} heading={Boolean(outcome)} />
      <OpenData />
    </>
  );
}

/** The places are being updated: the search waits for it; nothing is lost by asking again. */
function ImportRunning({ criteria }: { criteria: Partial<SearchCriteria> }) {
  return (
    <div class="fr-alert fr-alert--info fr-mb-4w" role="status">
      <h2 class="fr-alert__title">Une mise à jour des lieux est en cours</h2>
      <p>
        La liste des lieux est en train d'être mise à jour : votre recherche doit attendre la fin de cette mise à jour,
        ce qui peut prendre une minute. Les résultats arriveront plus lentement que d'habitude.
      </p>
      <p class="fr-mt-2w">
        <a class="fr-link fr-icon-refresh-line fr-link--icon-left" href={`/lieux?${searchQueryString(criteria)}`}>
          Relancer la recherche
        </a>
      </p>
    </div>
  );
}

function OpenData() {
  return (
    <p class="fr-text--sm fr-mt-4w">
      Les données viennent du recensement national des lieux de médiation numérique. Réutilisez-les :{' '}
      <a href="/api/v1/export/lieux.csv">tous les lieux en CSV</a>, <a href="/api">API</a>.
    </p>
  );
}
