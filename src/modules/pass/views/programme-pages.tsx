/** The pages of programmes for coordinators and funders: list, one programme, funder's report, alerts. */
import type { Actor } from '../../../platform/auth/actor.ts';
import { can } from '../../../platform/auth/policy.ts';
import { formatDate, formatDateTime, formatEuros, formatMonth } from '../../../platform/print/index.ts';
import { Breadcrumb, InputField, PostForm, SelectField, TableFrame } from '../../../platform/views/components.tsx';
import { serviceLabel } from '../../lieux/index.ts';
import { AWAITING_CONSENT } from '../consent.ts';
import { MAX_BOOKLETS_PER_OPERATION } from '../issue-booklets.ts';
import { passPolicy } from '../policies.ts';
import type { bookletsOfProgramme, Programme, programmeCounts } from '../programmes-repository.ts';
import type { funderReport, suspiciousPatterns } from '../reports.ts';
import { territoryLabel } from '../voucher-rules.ts';
import { BarChart } from './bar-chart.tsx';

export function ProgrammesPage(props: {
  actor: Actor;
  programmes: Programme[];
  /** Programmes waiting for the consent of one of the actor's funding organisations. */
  pending: Programme[];
  /** The actor is a coordinateur of an organisation without a territory. */
  withoutTerritory: boolean;
  csrf: string;
}) {
  const { actor, programmes, pending, csrf } = props;
  return (
    <>
      <Breadcrumb items={[{ label: 'Mon espace', href: '/espace' }, { label: 'Pass numérique' }]} />
      <h1>Pass numérique</h1>
      {props.withoutTerritory ? (
        <div class="fr-alert fr-alert--warning fr-mb-3w" data-testid="sans-territoire">
          <p>
            Votre structure n’a pas encore de territoire : en tant que coordinateur, vous n’agissez nulle part tant
            qu’un administrateur de la plateforme ne l’a pas défini.
          </p>
        </div>
      ) : null}
      {pending.length > 0 ? (
        <section data-testid="programmes-en-attente">
          <h2 class="fr-h4">Programmes en attente de votre accord</h2>
          <ul class="pa-list-plain">
            {pending.map((p) => (
              <li class="fr-mb-2w">
                <a href={`/pass/programmes/${p.id}`}>{p.name}</a> — {territoryLabel(p)}, chèques de{' '}
                {formatEuros(p.face_value_cents)}, du {formatDate(p.valid_from)} au {formatDate(p.valid_until)}
                <PostForm action={`/pass/programmes/${p.id}/accepter`} csrf={csrf}>
                  <button class="fr-btn fr-btn--sm" type="submit">
                    Accepter de financer « {p.name} »
                  </button>
                </PostForm>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <ul class="fr-btns-group fr-btns-group--inline-md">
        {can(actor, passPolicy.mayCreateProgrammes, null) ? (
          <li>
            <a class="fr-btn" href="/pass/programmes/nouveau">
              Nouveau programme
            </a>
          </li>
        ) : null}
        {can(actor, passPolicy.reviewQualifications, null) ? (
          <li>
            <a class="fr-btn fr-btn--secondary" href="/pass/habilitations">
              Habilitation des lieux
            </a>
          </li>
        ) : null}
        <li>
          <a class="fr-btn fr-btn--secondary" href="/pass/releves">
            Relevés
          </a>
        </li>
        {can(actor, passPolicy.reviewQualifications, null) ? (
          <li>
            <a class="fr-btn fr-btn--tertiary" href="/pass/alertes">
              Alertes
            </a>
          </li>
        ) : null}
      </ul>
      <h2 class="fr-h4">Programmes</h2>
      {programmes.length === 0 ? <p>Aucun programme pour l’instant.</p> : null}
      <ul>
        {programmes.map((p) => (
          <li>
            <a href={`/pass/programmes/${p.id}`}>{p.name}</a> — du {formatDate(p.valid_from)} au{' '}
            {formatDate(p.valid_until)}
            {p.funder_accepted_at === null ? ' — en attente de l’accord du financeur' : ''}
          </li>
        ))}
      </ul>
    </>
  );
}

export function ProgrammePage(props: {
  programme: Programme;
  manage: boolean;
  counts: Awaited<ReturnType<typeof programmeCounts>>;
  booklets: Awaited<ReturnType<typeof bookletsOfProgramme>>;
  names: Map<string, string>;
  orgs: Array<{ id: string; name: string }>;
  /** The programme waits for its funder's consent, and the actor may give it. */
  canAccept: boolean;
  csrf: string;
}) {
  const { programme: p, manage, counts, booklets, names, orgs, csrf } = props;
  return (
    <>
      <Breadcrumb items={[{ label: 'Pass numérique', href: '/pass' }, { label: p.name }]} />
      <h1>{p.name}</h1>
      <ul>
        <li>Financeur : {names.get(p.funder_organisation_id)}</li>
        <li>Territoire : {territoryLabel(p)}</li>
        <li>
          Chèques de {formatEuros(p.face_value_cents)}, {p.vouchers_per_booklet} par carnet, valables du{' '}
          {formatDate(p.valid_from)} au {formatDate(p.valid_until)} (tolérance {p.tolerance_days} jours ; distribution
          arrêtée {p.distribution_stop_days} jours avant la fin)
        </li>
        <li>Services payés : {p.services.map(serviceLabel).join(', ')}</li>
        {p.target_publics ? <li>Publics visés : {p.target_publics}</li> : null}
      </ul>
      {p.funder_accepted_at === null ? (
        <div class="fr-alert fr-alert--info fr-mb-3w" data-testid="accord-financeur">
          <p>{AWAITING_CONSENT}</p>
          {props.canAccept ? (
            <PostForm action={`/pass/programmes/${p.id}/accepter`} csrf={csrf}>
              <button class="fr-btn fr-btn--sm" type="submit">
                Accepter de financer ce programme
              </button>
            </PostForm>
          ) : null}
        </div>
      ) : null}
      <p data-testid="programme-counts">
        {counts.booklets} carnets émis ({counts.vouchers} chèques), {counts.assigned} attribués à des distributeurs,{' '}
        {counts.distributed} remis à des bénéficiaires, {counts.redeemed} chèques encaissés.
      </p>
      <ul class="fr-btns-group fr-btns-group--inline-md">
        <li>
          <a class="fr-btn fr-btn--secondary" href={`/pass/programmes/${p.id}/bilan`}>
            Bilan pour le financeur
          </a>
        </li>
      </ul>
      {manage ? (
        <>
          <h2 class="fr-h4">Émettre des carnets</h2>
          <PostForm action={`/pass/programmes/${p.id}/emettre`} csrf={csrf}>
            <p class="fr-text--sm">
              Un carnet vaut {formatEuros(p.vouchers_per_booklet * p.face_value_cents)} ({p.vouchers_per_booklet}{' '}
              chèques de {formatEuros(p.face_value_cents)}). Au plus{' '}
              {MAX_BOOKLETS_PER_OPERATION.toLocaleString('fr-FR')} carnets par émission ; le total vous est montré avant
              confirmation.
            </p>
            <InputField name="count" idPrefix="emission-" label="Nombre de carnets" inputMode="numeric" />
            <button class="fr-btn" type="submit">
              Émettre
            </button>
          </PostForm>
          {counts.booklets > counts.distributed ? (
            <>
              <h2 class="fr-h4 fr-mt-4w">Annuler des carnets non remis</h2>
              <PostForm action={`/pass/programmes/${p.id}/annuler-carnets`} csrf={csrf}>
                <p>
                  Carnets émis en trop, perdus ou mal imprimés : tant qu’ils ne sont pas remis à une personne, leurs
                  chèques peuvent être annulés. Le détail vous est montré avant confirmation.
                </p>
                <InputField name="de" idPrefix="annulation-" label="Du carnet n°" inputMode="numeric" />
                <InputField name="a" idPrefix="annulation-" label="Au carnet n°" inputMode="numeric" />
                <button class="fr-btn fr-btn--secondary" type="submit">
                  Annuler ces carnets
                </button>
              </PostForm>
            </>
          ) : null}
          <h2 class="fr-h4 fr-mt-4w">Attribuer des carnets à un distributeur</h2>
          <PostForm action={`/pass/programmes/${p.id}/attribuer`} csrf={csrf}>
            <SelectField
              name="organisationId"
              label="Structure qui distribue"
              placeholder="Choisir"
              options={orgs.map((o) => ({ value: o.id, label: o.name }))}
            />
            <InputField
              name="count"
              idPrefix="attribution-"
              label="Nombre de carnets à attribuer"
              inputMode="numeric"
            />
            <button class="fr-btn fr-btn--secondary" type="submit">
              Attribuer
            </button>
          </PostForm>
          {counts.booklets > 0 ? (
            <>
              <h2 class="fr-h4 fr-mt-4w">Imprimer</h2>
              <form method="get" action={`/pass/programmes/${p.id}/carnets.pdf`}>
                <InputField name="de" label="Du carnet n°" inputMode="numeric" value="1" />
                <InputField
                  name="a"
                  label="Au carnet n°"
                  inputMode="numeric"
                  value={String(Math.min(counts.booklets, 500))}
                />
                <ul class="fr-btns-group fr-btns-group--inline-md">
                  <li>
                    <button class="fr-btn fr-btn--secondary" type="submit">
                      Carnets à imprimer (PDF)
                    </button>
                  </li>
                  <li>
                    <button
                      class="fr-btn fr-btn--tertiary"
                      type="submit"
                      formaction={`/pass/programmes/${p.id}/carnets.csv`}
                    >
                      Codes pour l’imprimeur (CSV)
                    </button>
                  </li>
                </ul>
              </form>
            </>
          ) : null}
        </>
      ) : null}
      {booklets.length > 0 ? (
        <>
          <h2 class="fr-h4 fr-mt-4w">Carnets</h2>
          <TableFrame label="Les">
            <table>
              <caption>Les {booklets.length} premiers carnets</caption>
              <thead>
                <tr>
                  <th scope="col">N°</th>
                  <th scope="col">Distributeur</th>
                  <th scope="col">Remis le</th>
                  <th scope="col">Chèques utilisés</th>
                </tr>
              </thead>
              <tbody>
                {booklets.map((b) => (
                  <tr>
                    <td>{b.number}</td>
                    <td>{b.distributor_organisation_id ? names.get(b.distributor_organisation_id) : '—'}</td>
                    <td>
                      {b.cancelled_at
                        ? `annulé le ${formatDateTime(b.cancelled_at)}`
                        : b.distributed_at
                          ? formatDateTime(b.distributed_at)
                          : '—'}
                    </td>
                    <td>
                      {b.used} / {b.total}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableFrame>
        </>
      ) : null}
    </>
  );
}

function ProfileTable(props: { caption: string; rows: Array<{ label: string; count: number | null }>; unit?: string }) {
  if (props.rows.length === 0) return null;
  return (
    <TableFrame label={props.caption}>
      <table>
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">Catégorie</th>
            <th scope="col">{props.unit ?? 'Carnets remis'}</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map((x) => (
            <tr>
              <th scope="row">{x.label}</th>
              <td>{x.count === null ? 'moins de 10' : x.count}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableFrame>
  );
}

export function FunderReportPage(props: {
  programme: Programme;
  report: Awaited<ReturnType<typeof funderReport>>;
  months: Array<{ value: string; label: string }>;
  notice?: string | undefined;
}) {
  const { programme: p, report: r } = props;
  const query = r.period ? `?du=${r.period.from.slice(0, 7)}&au=${r.period.to.slice(0, 7)}` : '';
  const rate = r.useRate === null ? '—' : `${Math.round(r.useRate * 100)} %`;
  return (
    <>
      <Breadcrumb
        items={[
          { label: 'Pass numérique', href: '/pass' },
          { label: p.name, href: `/pass/programmes/${p.id}` },
          { label: 'Bilan' },
        ]}
      />
      <h1>Bilan : {p.name}</h1>
      <form method="get" action={`/pass/programmes/${p.id}/bilan`} class="fr-mb-3w" data-testid="filtre-periode">
        {props.notice ? (
          <div class="fr-alert fr-alert--error fr-alert--sm fr-mb-2w" role="alert">
            <p>{props.notice}</p>
          </div>
        ) : null}
        <SelectField
          name="du"
          label="Période : du mois"
          placeholder="Début du programme"
          options={props.months}
          value={r.period?.from.slice(0, 7)}
        />
        <SelectField
          name="au"
          label="au mois (inclus)"
          placeholder="Aujourd’hui"
          options={props.months}
          value={r.period?.to.slice(0, 7)}
        />
        <button class="fr-btn fr-btn--secondary fr-btn--sm" type="submit">
          Afficher la période
        </button>
      </form>
      <p class="fr-text--sm">
        Carnets, chèques et valeurs : depuis le début du programme. Répartitions et profil des bénéficiaires :{' '}
        {r.period ? `de ${formatMonth(r.period.from)} à ${formatMonth(r.period.to)} inclus` : 'depuis le début'}.
      </p>
      <TableFrame label="Carnets et chèques">
        <table data-testid="bilan">
          <caption>Carnets et chèques</caption>
          <tbody>
            <tr>
              <th scope="row">Carnets émis</th>
              <td>{r.booklets.issued}</td>
            </tr>
            <tr>
              <th scope="row">Carnets remis à des bénéficiaires</th>
              <td>{r.booklets.distributed}</td>
            </tr>
            <tr>
              <th scope="row">Carnets commencés</th>
              <td>{r.booklets.started}</td>
            </tr>
            <tr>
              <th scope="row">Carnets entièrement utilisés</th>
              <td>{r.booklets.fullyUsed}</td>
            </tr>
            <tr>
              <th scope="row">Chèques utilisés</th>
              <td>
                {r.vouchers.used} sur {r.vouchers.distributed} remis
              </td>
            </tr>
            <tr>
              <th scope="row">Taux d’utilisation</th>
              <td>{rate}</td>
            </tr>
            <tr>
              <th scope="row">Valeur utilisée</th>
              <td>{formatEuros(r.value.usedCents)}</td>
            </tr>
            <tr>
              <th scope="row">Valeur remise non utilisée</th>
              <td>{formatEuros(r.value.unusedDistributedCents)}</td>
            </tr>
            <tr>
              <th scope="row">Valeur non distribuée</th>
              <td>{formatEuros(r.value.notDistributedCents)}</td>
            </tr>
            <tr>
              <th scope="row">Remboursable au financeur</th>
              <td>{r.value.expired ? formatEuros(r.value.refundableCents) : 'après la fin de validité'}</td>
            </tr>
          </tbody>
        </table>
      </TableFrame>
      <p>
        <a href={`/pass/programmes/${p.id}/bilan.csv${query}`}>Télécharger le bilan (CSV)</a>
      </p>
      <BarChart
        title="Chèques par service"
        unit="chèques"
        rows={r.byService.map((x) => ({ label: serviceLabel(x.label), count: x.count }))}
      />
      <BarChart title="Chèques par lieu" unit="chèques" rows={r.byPlace} />
      <BarChart title="Chèques par commune" unit="chèques" rows={r.byCommune} />
      <BarChart title="Chèques par mois" unit="chèques" rows={r.byMonth} />
      <h2 class="fr-h4 fr-mt-4w">Profil des bénéficiaires</h2>
      <p class="fr-text--sm">
        Carnets remis{r.period ? ' sur la période' : ''}, sans nom ni contact. Moins de 10 personnes : le nombre n’est
        pas montré, pour que personne ne puisse être reconnu.
      </p>
      <div data-testid="profil-beneficiaires">
        <ProfileTable caption="Par tranche d’âge" rows={r.profile.ageBands} />
        <ProfileTable caption="Par commune" rows={r.profile.communes} />
        <ProfileTable caption="Par situation" rows={r.profile.situations} />
        {r.profile.ageBands.length === 0 ? <p>Aucun carnet remis{r.period ? ' sur cette période' : ''}.</p> : null}
      </div>
      <h2 class="fr-h4 fr-mt-4w">Résultats des accompagnements payés par les chèques</h2>
      <p class="fr-text--sm">
        Séances enregistrées par les aidants juste après l’encaissement d’un chèque
        {r.period ? ' de la période' : ''}. Moins de 10 séances : le nombre n’est pas montré.
      </p>
      <div data-testid="resultats-accompagnements">
        <p>
          Séances enregistrées : <strong>{r.outcomes.sessions === null ? 'moins de 10' : r.outcomes.sessions}</strong>
        </p>
        {r.outcomes.sessions === null ? null : (
          <>
            <ProfileTable caption="Autonomie selon l’aidant" unit="Séances" rows={r.outcomes.byAutonomy} />
            <ProfileTable
              caption="La personne pense pouvoir refaire seule"
              unit="Séances"
              rows={r.outcomes.bySelfAssessment}
            />
          </>
        )}
      </div>
    </>
  );
}

export function AlertsPage(props: { alerts: Awaited<ReturnType<typeof suspiciousPatterns>> }) {
  const { alerts } = props;
  return (
    <>
      <Breadcrumb items={[{ label: 'Pass numérique', href: '/pass' }, { label: 'Alertes' }]} />
      <h1>Encaissements inhabituels</h1>
      <p>
        Plusieurs chèques d’un même carnet encaissés en quelques minutes, ou un lieu qui encaisse bien plus que
        d’habitude : à vérifier avec la structure.
      </p>
      {alerts.length === 0 ? <p>Aucune alerte.</p> : null}
      <ul data-testid="alertes">
        {alerts.map((a) => (
          <li>
            {formatDateTime(a.at)} — {a.message}
          </li>
        ))}
      </ul>
    </>
  );
}
