/**
 * People in the support screens: the person part of the session form (a followed person, a
 * card code, or a new pseudonymous person), the list of people a structure follows, and a
 * person's page (sessions over time, autonomy progression per theme as SVG with its table).
 */
import type { FastifyInstance } from 'fastify';
import type { Actor } from '../../platform/auth/actor.ts';
import { requireActor } from '../../platform/auth/auth-plugin.ts';
import { authorize } from '../../platform/auth/policy.ts';
import { formatDate, formatDateTime } from '../../platform/print/index.ts';
import { Breadcrumb, fieldId, InputField, SelectField, TableFrame } from '../../platform/views/components.tsx';
import type { PeopleDeps } from '../people/index.ts';
import { residenceLabel } from '../people/index.ts';
import { AGE_BANDS, AUTONOMY } from './data.ts';
import { helpingOrganisations, supportPolicy } from './policies.ts';
import type { SupportPorts, VoucherUsedByPerson } from './record-session.ts';
import { followedPeople } from './session-person.ts';
import { type PersonSupportView, personSupportView, type ThemeProgress } from './view-person.ts';
import { BarChart } from './views/charts.tsx';
import { type FormValues, list, str } from './views/session-form.tsx';

const PAGE = { stylesheets: ['support/support.css'] };
const MONTHS = ['janv.', 'févr.', 'mars', 'avr.', 'mai', 'juin', 'juil.', 'août', 'sept.', 'oct.', 'nov.', 'déc.'];

function Checkbox(p: { name: string; label: string; checked: boolean }) {
  const id = fieldId(p.name);
  return (
    <div class="fr-checkbox-group fr-mb-2w">
      <input type="checkbox" id={id} name={p.name} value="on" checked={p.checked} />
      <label class="fr-label" for={id}>
        {p.label}
      </label>
    </div>
  );
}

/** The person part of the session form. */
export async function personPicker(
  deps: PeopleDeps,
  actor: Actor,
  organisationId: string,
  values: FormValues,
  errors: Record<string, string>,
  query: string,
) {
  const people = organisationId ? await followedPeople(deps, actor, organisationId, query) : [];
  const chosen = list(values, 'personne')[0] ?? '';
  const workshop = str(values, 'type') === 'atelier';
  const participants = list(values, 'participants');
  return (
    <fieldset class="fr-fieldset fr-mb-3w" id="personne-accompagnee">
      <legend class="fr-fieldset__legend">Personne accompagnée</legend>
      <div class="fr-fieldset__element">
        <SelectField
          name="personne"
          label="Personne suivie (accompagnement individuel)"
          hint={
            query
              ? `Personnes suivies dont le nom ou le code correspond à « ${query} ».`
              : 'Anonyme si la personne ne souhaite pas être suivie.'
          }
          placeholder="Anonyme"
          options={people.map((p) => ({ value: p.id, label: `${p.displayName} — ${p.code}` }))}
          value={chosen}
          error={errors.personne}
        />
        {people.length > 0 ? (
          <details class="fr-mb-2w" open={workshop || participants.length > 0}>
            <summary>Participants suivis d’un atelier</summary>
            {people.map((p, i) => (
              <div class="fr-checkbox-group">
                <input
                  type="checkbox"
                  id={`participant-${i}`}
                  name="participants"
                  value={p.id}
                  checked={participants.includes(p.id)}
                />
                <label class="fr-label" for={`participant-${i}`}>
                  {p.displayName} — {p.code}
                </label>
              </div>
            ))}
          </details>
        ) : null}
        <InputField
          name="code_personne"
          label="Ou son code personne"
          hint="Sur sa carte, par exemple 7KM-R2X-9PA. La personne comptera comme revenue, pas comme nouvelle."
          value={str(values, 'code_personne')}
          error={errors.code_personne}
          required={false}
          maxLength={20}
        />
        <Checkbox
          name="partage_consenti"
          label="La personne accepte que notre structure suive aussi son dossier (si une autre structure la suit déjà)"
          checked={str(values, 'partage_consenti') === 'on'}
        />
        <details class="fr-mb-2w" open={str(values, 'nouvelle_personne') === 'on'}>
          <summary>Nouvelle personne suivie (pseudonyme)</summary>
          <Checkbox
            name="nouvelle_personne"
            label="Créer cette personne et lui donner une carte"
            checked={str(values, 'nouvelle_personne') === 'on'}
          />
          <InputField
            name="personne_nom"
            label="Prénom ou initiales"
            value={str(values, 'personne_nom')}
            error={errors.personne_nom}
            maxLength={60}
          />
          <InputField
            name="personne_annee"
            label="Année de naissance"
            hint="Ou choisissez une tranche d’âge ci-dessous."
            inputMode="numeric"
            maxLength={4}
            value={str(values, 'personne_annee')}
            error={errors.personne_annee}
            required={false}
          />
          <SelectField
            name="personne_tranche"
            label="Tranche d’âge"
            placeholder="—"
            options={AGE_BANDS.map((b) => ({ value: b, label: b }))}
            value={str(values, 'personne_tranche')}
            error={errors.personne_tranche}
          />
          <InputField
            name="personne_commune"
            label="Commune de résidence"
            hint="Nom ou code postal."
            value={str(values, 'personne_commune')}
            error={errors.personne_commune}
            required={false}
            maxLength={100}
          />
          <Checkbox
            name="personne_sans_domicile"
            label="Sans domicile stable"
            checked={str(values, 'personne_sans_domicile') === 'on'}
          />
        </details>
      </div>
    </fieldset>
  );
}

/** One theme's progression: autonomy level (4 rows) at each session on the theme. */
function ProgressionChart({ id, progress }: { id: string; progress: ThemeProgress }) {
  const width = 320;
  const left = 96;
  const rowH = 26;
  const height = rowH * 4 + 24;
  const n = progress.points.length;
  const step = n > 1 ? (width - left - 16) / (n - 1) : 0;
  const xOf = (i: number) => left + 8 + i * step;
  const yOf = (level: number) => 12 + (3 - level) * rowH;
  const rated = progress.points.map((p, i) => ({ ...p, i })).filter((p) => p.level !== null);
  const short = ['Fait pour elle', 'Avec guidage', 'Aide ponctuelle', 'Autonome'];
  return (
    <figure class="pa-stats-section" aria-labelledby={`${id}-titre`}>
      <h3 id={`${id}-titre`} class="fr-h6">
        {progress.label}
        {progress.reachedAutonomyAt ? ` — autonome après ${progress.reachedAutonomyAt} séance(s)` : ''}
      </h3>
      <svg
        class="pa-chart"
        viewBox={`0 0 ${width} ${height}`}
        role="img"
        aria-labelledby={`${id}-titre ${id}-desc`}
        focusable="false"
      >
        <title>{progress.label}</title>
        <desc id={`${id}-desc`}>
          Niveau d’autonomie à chaque séance sur ce thème ; le même contenu est dans le tableau qui suit.
        </desc>
        {short.map((label, level) => (
          <g>
            <line class="pa-axis" x1={left} y1={yOf(level)} x2={width - 4} y2={yOf(level)} />
            <text x="0" y={yOf(level) + 4}>
              {label}
            </text>
          </g>
        ))}
        {rated.length > 1 ? (
          <polyline class="pa-line" points={rated.map((p) => `${xOf(p.i)},${yOf(p.level as number)}`).join(' ')} />
        ) : null}
        {rated.map((p) => (
          <circle class="pa-bar" cx={xOf(p.i)} cy={yOf(p.level as number)} r="5" />
        ))}
        {progress.points.map((_, i) => (
          <text x={xOf(i) - 3} y={height - 4}>
            {i + 1}
          </text>
        ))}
      </svg>
      <details>
        <summary>Voir le tableau</summary>
        <TableFrame label={`Progression : ${progress.label}`} small>
          <table>
            <caption>Progression : {progress.label}</caption>
            <thead>
              <tr>
                <th scope="col">Séance</th>
                <th scope="col">Date</th>
                <th scope="col">Autonomie (aidant)</th>
                <th scope="col">Réponse de la personne</th>
              </tr>
            </thead>
            <tbody>
              {progress.points.map((p, i) => (
                <tr>
                  <th scope="row">{i + 1}</th>
                  <td>{formatDate(p.date)}</td>
                  <td>{p.levelLabel}</td>
                  <td>{p.selfAssessment}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableFrame>
      </details>
    </figure>
  );
}

/** The Pass numérique vouchers used with the booklets handed to the person. */
function VouchersUsed({ vouchers }: { vouchers: VoucherUsedByPerson[] | null }) {
  return (
    <>
      <h2>Chèques Pass numérique utilisés</h2>
      {vouchers === null ? (
        <p>Les chèques Pass numérique ne sont pas disponibles sur ce service.</p>
      ) : vouchers.length === 0 ? (
        <p>Aucun chèque utilisé : aucun carnet remis à cette personne, ou aucun chèque encore utilisé.</p>
      ) : (
        <TableFrame label="Chèques Pass numérique utilisés">
          <table>
            <caption>Chèques Pass numérique utilisés ({vouchers.length})</caption>
            <thead>
              <tr>
                <th scope="col">Date</th>
                <th scope="col">Lieu</th>
                <th scope="col">Service</th>
                <th scope="col">Programme</th>
              </tr>
            </thead>
            <tbody>
              {vouchers.map((v) => (
                <tr>
                  <td>{formatDateTime(v.redeemedAt)}</td>
                  <td>
                    {v.place}
                    {v.commune ? ` (${v.commune})` : ''}
                  </td>
                  <td>{v.service}</td>
                  <td>{v.programme}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableFrame>
      )}
    </>
  );
}

function PersonPage({ view }: { view: PersonSupportView }) {
  const p = view.person;
  return (
    <>
      <Breadcrumb
        items={[
          { label: 'Espace', href: '/espace' },
          { label: 'Accompagnements', href: '/accompagnements' },
          { label: 'Personnes suivies', href: '/accompagnements/personnes' },
          { label: p.displayName },
        ]}
      />
      <h1>{p.displayName}</h1>
      <p>
        Code personne <strong>{p.code}</strong> · {p.birthYear ?? p.ageBand ?? 'âge non renseigné'} ·{' '}
        {residenceLabel(p.residence)}
      </p>
      <ul class="fr-btns-group fr-btns-group--inline-md">
        <li>
          <a class="fr-btn" href={`/accompagnements/nouveau?personne=${p.id}`}>
            Enregistrer une séance avec cette personne
          </a>
        </li>
      </ul>
      <h2>Progression de l’autonomie par thème</h2>
      {view.progress.length === 0 ? <p>Aucune séance individuelle pour l’instant.</p> : null}
      {view.progress.map((t, i) => (
        <ProgressionChart id={`progression-${i}`} progress={t} />
      ))}
      <h2>Séances dans le temps</h2>
      <BarChart
        id="seances-mois"
        orientation="vertical"
        title="Séances par mois"
        unit="Séances"
        bars={view.months.map((m) => ({
          label: `${MONTHS[Number(m.month.slice(5, 7)) - 1] ?? m.month}`,
          value: m.count,
        }))}
      />
      <TableFrame label="Toutes les séances">
        <table>
          <caption>Toutes les séances ({view.sessions.length})</caption>
          <thead>
            <tr>
              <th scope="col">Date</th>
              <th scope="col">Séance</th>
              <th scope="col">Thèmes</th>
              <th scope="col">Durée</th>
            </tr>
          </thead>
          <tbody>
            {view.sessions.map((s) => (
              <tr>
                <td>{formatDate(s.date)}</td>
                <td>{s.kind}</td>
                <td>
                  {s.themes}
                  {s.mandate ? (
                    <>
                      <br />
                      <span class="fr-text--sm">Mandat utilisé : {s.mandate}</span>
                    </>
                  ) : null}
                </td>
                <td>{s.durationMinutes} min</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableFrame>
      <VouchersUsed vouchers={view.vouchers} />
      <p class="fr-text--sm fr-mt-2w">
        Niveaux : {AUTONOMY.map((a) => a.label).join(' → ')}. Les notes des aidants ne sont jamais affichées ici.
      </p>
    </>
  );
}

export function supportPeopleRoutes(
  app: FastifyInstance,
  opts: { people: PeopleDeps; ports?: Pick<SupportPorts, 'vouchersUsedByPerson' | 'mandateLabels'> },
) {
  const { people } = opts;

  app.get('/accompagnements/personnes', async (request, reply) => {
    const actor = requireActor(request);
    authorize(actor, supportPolicy.viewOwnSessions, null);
    const raw = (request.query as Record<string, unknown>).q;
    const query = typeof raw === 'string' ? raw.trim().slice(0, 100) : '';
    const groups = await Promise.all(
      helpingOrganisations(actor).map(async (o) => ({
        ...o,
        people: await followedPeople(people, actor, o.id, query),
      })),
    );
    return reply.page(
      { ...PAGE, title: 'Personnes suivies' },
      <>
        <Breadcrumb
          items={[
            { label: 'Espace', href: '/espace' },
            { label: 'Accompagnements', href: '/accompagnements' },
            { label: 'Personnes suivies' },
          ]}
        />
        <h1>Personnes suivies</h1>
        <form method="get" action="/accompagnements/personnes" class="fr-mb-3w">
          <InputField name="q" label="Nom ou code personne" value={query} required={false} maxLength={100} />
          <button type="submit" class="fr-btn fr-btn--secondary">
            Chercher
          </button>
        </form>
        {groups.map((g) => (
          <>
            <h2>{g.name}</h2>
            {g.people.length === 0 ? (
              <p>Aucune personne{query ? ' ne correspond' : ' suivie pour l’instant'}.</p>
            ) : (
              <ul>
                {g.people.map((p) => (
                  <li>
                    <a href={`/accompagnements/personnes/${p.id}`}>{p.displayName}</a> — {p.code}
                  </li>
                ))}
              </ul>
            )}
          </>
        ))}
      </>,
    );
  });

  app.get<{ Params: { id: string } }>('/accompagnements/personnes/:id', async (request, reply) => {
    const actor = requireActor(request);
    const view = await personSupportView(people, actor, request.params.id, opts.ports);
    return reply.page({ ...PAGE, title: view.person.displayName }, <PersonPage view={view} />);
  });
}
