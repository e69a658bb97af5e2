/**
 * One statistics page for every scope (a helper, a structure, a territory): key figures,
 * outcomes, monthly series and the breakdowns, each chart with its table.
 */
import type { ComponentChildren } from 'preact';
import { formatDate, formatDateTime } from '../../../platform/print/index.ts';
import { Breadcrumb } from '../../../platform/views/components.tsx';
import {
  AUTONOMY,
  type Choice,
  DEVICES,
  labelOf,
  ORIENTATION_KINDS,
  PLACE_KINDS,
  PROCEDURES,
  SELF_ASSESSMENT,
  THEMES,
} from '../data.ts';
import { countOf, type StatisticsModel } from '../statistics.ts';
import { type Bar, BarChart } from './charts.tsx';

const nf = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });
const MONTHS = ['janv.', 'févr.', 'mars', 'avr.', 'mai', 'juin', 'juil.', 'août', 'sept.', 'oct.', 'nov.', 'déc.'];

function percent(part: number, whole: number): string {
  return whole === 0 ? '—' : `${nf.format((100 * part) / whole)} %`;
}

function bars(model: StatisticsModel, dimension: string, choices: readonly Choice[] | readonly string[]): Bar[] {
  return choices.map((c) => {
    const key = typeof c === 'string' ? c : c.key;
    const label = typeof c === 'string' ? c : c.label;
    return { label, value: countOf(model, dimension, key) };
  });
}

export interface StatisticsPageProps {
  title: string;
  breadcrumb: string;
  scopeLine: string;
  model: StatisticsModel;
  snapshotAt: Date | null;
  /** Filters, exports and links above the figures. */
  controls?: ComponentChildren;
}

export function StatisticsPage(p: StatisticsPageProps) {
  const m = p.model;
  const sessions = countOf(m, 'total', 'seances');
  const hours = countOf(m, 'total', 'duree_minutes') / 60;
  const all = m.outcomes.find((o) => o.theme === null);
  const months = m.counts
    .filter((c) => c.dimension === 'mois')
    .sort((a, b) => a.valeur.localeCompare(b.valeur))
    .map((c) => ({ label: MONTHS[Number(c.valeur.slice(5, 7)) - 1] ?? c.valeur, value: c.nombre }));
  const durations = m.counts
    .filter((c) => c.dimension === 'duree')
    .sort((a, b) => Number(a.valeur) - Number(b.valeur))
    .map((c) => ({ label: `${c.valeur} min`, value: c.nombre }));
  const themeOutcomes = m.outcomes.filter((o) => o.theme !== null && o.followed > 0);
  return (
    <>
      <Breadcrumb
        items={[
          { label: 'Espace', href: '/espace' },
          { label: 'Accompagnements', href: '/accompagnements' },
          { label: p.breadcrumb },
        ]}
      />
      <h1>{p.title}</h1>
      <p>
        {p.scopeLine}
        {m.first ? ` Séances du ${formatDate(m.first)} au ${formatDate(m.last ?? m.first)}.` : ''}
      </p>
      <p class="fr-text--sm" data-testid="fraicheur">
        {p.snapshotAt
          ? `Données du ${formatDateTime(p.snapshotAt)} : elles sont recalculées chaque heure.`
          : 'Données en direct.'}
      </p>
      {p.controls}
      <h2>En bref</h2>
      <ul class="pa-figures">
        <li>
          Séances <strong data-testid="total-seances">{nf.format(sessions)}</strong>
        </li>
        <li>
          Heures d’accompagnement <strong>{nf.format(Math.round(hours))}</strong>
        </li>
        <li>
          Personnes suivies <strong>{nf.format(m.people.personnes)}</strong>
        </li>
        <li>
          Dont revenues <strong>{nf.format(m.people.revenues)}</strong>
        </li>
        <li>
          Séances individuelles anonymes <strong>{nf.format(countOf(m, 'total', 'individuels_anonymes'))}</strong>
        </li>
        <li>
          Participants anonymes aux ateliers{' '}
          <strong>{nf.format(countOf(m, 'total', 'participants_anonymes_ateliers'))}</strong>
        </li>
      </ul>
      <h2>Ce que l’aide a permis</h2>
      {all && all.followed > 0 ? (
        <>
          <p data-testid="resultat-aidant">
            Parmi les personnes suivies, sur un thème donné, <strong>{percent(all.reachedHelper, all.followed)}</strong>{' '}
            sont devenues « Autonome » selon l’aidant ({nf.format(all.reachedHelper)} sur {nf.format(all.followed)}),
            après <strong>{all.medianHelper === null ? '—' : nf.format(all.medianHelper)}</strong> séance(s) sur ce
            thème (médiane).
          </p>
          <p data-testid="resultat-personne">
            Selon les personnes elles-mêmes (« Pourriez-vous le refaire seul(e) ? » : oui) :{' '}
            <strong>{percent(all.reachedSelf, all.asked)}</strong> ({nf.format(all.reachedSelf)} sur{' '}
            {nf.format(all.asked)} à qui la question a été posée), après{' '}
            {all.medianSelf === null ? '—' : nf.format(all.medianSelf)} séance(s) (médiane).
          </p>
          <BarChart
            id="autonomie-themes"
            title="Part des personnes suivies devenues autonomes, par thème (selon l’aidant)"
            unit="Part autonome (nombre)"
            max={100}
            bars={themeOutcomes.map((o) => ({
              label: labelOf(THEMES, o.theme),
              value: o.followed === 0 ? 0 : Math.round((100 * o.reachedHelper) / o.followed),
              display: `${percent(o.reachedHelper, o.followed)} (${o.reachedHelper}/${o.followed}, médiane ${
                o.medianHelper === null ? '—' : nf.format(o.medianHelper)
              })`,
            }))}
          />
        </>
      ) : (
        <p>
          Pas encore de personne suivie : les résultats se calculent sur les séances qui nomment une personne (code
          personne).
        </p>
      )}
      <BarChart
        id="niveau-autonomie"
        title="Autonomie en fin de séance (avis de l’aidant)"
        unit="Séances"
        bars={bars(m, 'autonomie', AUTONOMY)}
      />
      <BarChart
        id="refaire-seul"
        title="« Pourriez-vous le refaire seul(e) ? » (réponse de la personne)"
        unit="Séances"
        bars={bars(m, 'refaire_seul', SELF_ASSESSMENT)}
      />
      <h2>Activité</h2>
      <BarChart
        id="mois"
        orientation="vertical"
        title="Séances par mois (12 derniers mois)"
        unit="Séances"
        bars={months}
      />
      <BarChart
        id="types"
        title="Type de séance"
        unit="Séances"
        bars={[
          { label: 'Individuel', value: countOf(m, 'type', 'individuel') },
          { label: 'Atelier collectif', value: countOf(m, 'type', 'atelier') },
        ]}
      />
      <BarChart
        id="themes"
        title="Thèmes"
        unit="Séances"
        bars={bars(m, 'thematique', THEMES).filter((b) => b.value > 0)}
      />
      <BarChart
        id="demarches"
        title="Démarches administratives"
        unit="Séances"
        bars={bars(m, 'demarche', PROCEDURES).filter((b) => b.value > 0)}
      />
      <BarChart id="durees" title="Durées" unit="Séances" bars={durations} />
      <BarChart id="materiel" title="Matériel" unit="Séances" bars={bars(m, 'materiel', DEVICES)} />
      <BarChart id="lieux" title="Où" unit="Séances" bars={bars(m, 'lieu', PLACE_KINDS)} />
      <BarChart
        id="orientations"
        title={`Orientations (dont ${nf.format(countOf(m, 'total', 'orientations_vers_un_lieu'))} vers un lieu précis)`}
        unit="Séances"
        bars={bars(m, 'orientation', ORIENTATION_KINDS)}
      />
    </>
  );
}

export { labelOf };
