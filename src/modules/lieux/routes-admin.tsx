/** Admin pages: upload a file of places or the postcode base, read the import report. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireActor } from '../../platform/auth/auth-plugin.ts';
import { authorize } from '../../platform/auth/policy.ts';
import { NotFoundError, RuleError } from '../../platform/http/errors.ts';
import { errorSentence, formError } from '../../platform/http/forms.ts';
import { formatDateTime } from '../../platform/print/index.ts';
import { Breadcrumb, CsrfField, TableFrame } from '../../platform/views/components.tsx';
import { countCommunes } from './gazetteer/communes-repository.ts';
import { importCommunes } from './import-communes.ts';
import {
  type ImportReport,
  importPlaces,
  keepSimulation,
  type ReasonCount,
  SIMULATION_KEPT_MS,
} from './import-places.ts';
import type { LieuxDeps } from './index.ts';
import { countPlaces, findImport, recentImports } from './places-repository.ts';
import { lieuxPolicy } from './policies.ts';

async function uploadedFile(
  request: FastifyRequest,
  /** Runs on the fields sent before the file (the CSRF token), before the file is read. */
  beforeReading?: (fields: Record<string, string>) => Promise<void>,
): Promise<{ name: string; bytes: Buffer; fields: Record<string, string> }> {
  if (!request.isMultipart()) {
    await beforeReading?.({});
    throw new RuleError('no_file', 'Choisissez un fichier à envoyer.', 400);
  }
  const part = await request.file();
  const fields: Record<string, string> = {};
  for (const [k, v] of Object.entries(part?.fields ?? {})) {
    const value = (v as { value?: unknown } | undefined)?.value;
    if (typeof value === 'string') fields[k] = value;
  }
  await beforeReading?.(fields);
  if (!part?.filename) throw new RuleError('no_file', 'Choisissez un fichier à envoyer.', 400);
  const bytes = await part.toBuffer();
  return { name: part.filename.replace(/[^\p{L}\p{N}._ -]/gu, '_').slice(0, 120), bytes, fields };
}

type Upload = { name: string; bytes: Buffer; fields: Record<string, string> };
const uploads = new WeakMap<FastifyRequest, { file?: Upload; error?: unknown }>();

/**
 * A multipart form's fields are not parsed before the platform checks the CSRF token: this
 * route hook (preValidation, before that check) reads the upload and hands its `_csrf` field to
 * the check as the body, so the token travels in the form, not in the URL (issue 13). Nothing
 * is written before the check; an upload error is kept and shown once the token is known good.
 */
async function readUpload(request: FastifyRequest): Promise<void> {
  let token: string | undefined;
  try {
    const file = await uploadedFile(request, async (fields) => {
      token = fields._csrf;
    });
    uploads.set(request, { file });
  } catch (error) {
    uploads.set(request, { error });
  }
  if (request.isMultipart()) request.body = token === undefined ? {} : { _csrf: token };
}

function takeUpload(request: FastifyRequest): Upload {
  const upload = uploads.get(request);
  if (upload?.file) return upload.file;
  throw upload?.error ?? new RuleError('no_file', 'Choisissez un fichier à envoyer.', 400);
}

/** « 353 × field : reason », with its most frequent exact case when values were left out. */
function ReasonItem({ r }: { r: ReasonCount }) {
  return (
    <li>
      {r.count} × {r.reason}
      {r.example ? (
        <>
          <br />
          <span class="fr-text--sm">
            Le plus fréquent ({r.example.count} fois) : {r.example.message}
          </span>
        </>
      ) : null}
    </li>
  );
}
export function ReportView({ report }: { report: ImportReport }) {
  const s = report.summary;
  const rows: Array<[string, number]> = [
    ['Lignes lues', s.rows],
    ['Lieux créés', s.created],
    ['Lieux mis à jour', s.updated],
    ['Lieux inchangés', s.unchanged],
    ['Gardés (version plus récente ici)', s.keptNewer],
    ['Lignes rejetées', s.rejected],
    ['Lignes corrigées automatiquement', s.corrected],
    ['Placés au centre de leur commune', s.approximated],
    ['Non localisés', s.unlocated],
    ['Codes INSEE déduits du code postal et de la commune', s.inseeDerived],
    ['Coordonnées loin de la commune indiquée', s.farCoordinates],
    ['Doublons possibles (même nom et adresse, gardés)', s.possibleDuplicates],
  ];
  return (
    <>
      <p>
        Fichier <strong>{report.fileName}</strong> ({report.format.toUpperCase()}, {report.encoding}
        {report.separator ? `, séparateur « ${report.separator} »` : ''}).{' '}
        {report.dryRun ? (
          <strong>Simulation : rien n'a été enregistré.</strong>
        ) : (
          'Import enregistré en une seule fois.'
        )}
      </p>
      {report.warnings.map((w) => (
        <div class="fr-alert fr-alert--warning fr-alert--sm fr-mb-2w">
          <p>{w}</p>
        </div>
      ))}
      <TableFrame label="Résultat de l'import">
        <table data-testid="import-summary">
          <caption>Résultat de l'import</caption>
          <tbody>
            {rows.map(([label, n]) => (
              <tr>
                <th scope="row">{label}</th>
                <td>{n}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableFrame>
      {report.renamedColumns.length > 0 ? (
        <p>
          Colonnes renommées (ancien format) : {report.renamedColumns.map((r) => `${r.from} → ${r.to}`).join(', ')}.
        </p>
      ) : null}
      {report.unknownColumns.length > 0 ? (
        <p>Colonnes ignorées (hors standard) : {report.unknownColumns.join(', ')}.</p>
      ) : null}
      {report.rejectionReasons.length > 0 ? (
        <>
          <h2 class="fr-h4">Motifs de rejet</h2>
          <ul>
            {report.rejectionReasons.map((r) => (
              <ReasonItem r={r} />
            ))}
          </ul>
          <h2 class="fr-h4">Lignes rejetées</h2>
          <ul data-testid="import-rejections">
            {report.rejections.map((r) => (
              <li>
                Ligne {r.line}
                {r.id ? ` (${r.id})` : ''} : {r.issues.map((i) => `${i.field} — ${i.message}`).join(' ; ')}
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {report.farCoordinates.length > 0 ? (
        <>
          <h2 class="fr-h4">Coordonnées loin de la commune indiquée</h2>
          <ul data-testid="import-far-coordinates">
            {report.farCoordinates.map((f) => (
              <li>
                Ligne {f.line} ({f.id}) « {f.nom} » : à {f.distanceKm} km de {f.commune} (au-delà de {f.allowedKm} km
                pour cette commune) — {f.placedAtCommune ? 'placé à sa commune' : 'coordonnées gardées, à vérifier'}.
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {report.possibleDuplicates.length > 0 ? (
        <>
          <h2 class="fr-h4">Doublons possibles (gardés)</h2>
          <ul data-testid="import-duplicates">
            {report.possibleDuplicates.map((d) => (
              <li>
                « {d.nom} », {d.adresse} : {d.rows.map((r) => `ligne ${r.line} (${r.id})`).join(', ')}.
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {report.correctionReasons.length > 0 ? (
        <>
          <h2 class="fr-h4">Corrections appliquées</h2>
          <ul>
            {report.correctionReasons.map((r) => (
              <ReasonItem r={r} />
            ))}
          </ul>
        </>
      ) : null}
    </>
  );
}

export function lieuxAdminRoutes(app: FastifyInstance, opts: { deps: LieuxDeps }) {
  const { deps } = opts;

  app.workspace.add({
    title: 'Lieux : import et référentiel',
    description: 'Importer les lieux au format du standard national et la base des codes postaux.',
    href: '/admin/lieux',
    visible: (actor) => lieuxPolicy.importPlaces(actor, null),
  });

  app.get('/admin/lieux', async (request, reply) => {
    const actor = requireActor(request);
    authorize(actor, lieuxPolicy.importPlaces, null);
    const [counts, communes, imports] = await Promise.all([
      countPlaces(deps.db),
      countCommunes(deps.db),
      recentImports(deps.db),
    ]);
    const csrf = reply.pageContext().csrfToken;
    return reply.page(
      { title: 'Lieux : import' },
      <>
        <Breadcrumb items={[{ label: 'Mon espace', href: '/espace' }, { label: 'Lieux : import' }]} />
        <h1>Lieux : import et référentiel</h1>
        <p>
          {counts.open} lieux ouverts, {counts.closed} fermés ; {counts.approximate} placés au centre de leur commune,{' '}
          {counts.unlocated} non localisés. Référentiel : {communes} communes.
        </p>
        <h2 class="fr-h4">Importer des lieux</h2>
        <p>
          Fichier CSV ou JSON au format du standard national des lieux de médiation numérique. Les lieux sont mis à jour
          par leur identifiant.
        </p>
        <form method="post" action="/admin/lieux/import" enctype="multipart/form-data">
          <CsrfField token={csrf} />
          <div class="fr-checkbox-group fr-mb-2w">
            <input type="checkbox" id="simulation" name="simulation" value="oui" />
            <label class="fr-label" for="simulation">
              Simulation : voir le rapport sans rien enregistrer
            </label>
          </div>
          <div class="fr-checkbox-group fr-mb-2w">
            <input type="checkbox" id="placer_commune" name="placer_commune" value="oui" />
            <label class="fr-label" for="placer_commune">
              Placer à leur commune les lieux dont les coordonnées sont loin de la commune indiquée
              <span class="fr-hint-text">Sinon, leurs coordonnées sont gardées et signalées dans le rapport.</span>
            </label>
          </div>
          <div class="fr-upload-group fr-mb-2w">
            <label class="fr-label" for="fichier-lieux">
              Fichier des lieux
              <span class="fr-hint-text">
                CSV (UTF-8 ou Windows-1252, séparateur virgule ou point-virgule) ou JSON.
              </span>
            </label>
            <input
              class="fr-upload"
              type="file"
              id="fichier-lieux"
              name="fichier"
              accept=".csv,.json,text/csv,application/json"
            />
          </div>
          <button class="fr-btn" type="submit">
            Importer
          </button>
        </form>
        <h2 class="fr-h4 fr-mt-4w">Référentiel des communes</h2>
        <form method="post" action="/admin/lieux/communes" enctype="multipart/form-data">
          <CsrfField token={csrf} />
          <div class="fr-upload-group fr-mb-2w">
            <label class="fr-label" for="fichier-communes">
              Base officielle des codes postaux (laposte_hexasmal.csv)
            </label>
            <input class="fr-upload" type="file" id="fichier-communes" name="fichier" accept=".csv,text/csv" />
          </div>
          <button class="fr-btn fr-btn--secondary" type="submit">
            Remplacer le référentiel
          </button>
        </form>
        {imports.length > 0 ? (
          <>
            <h2 class="fr-h4 fr-mt-4w">Derniers imports</h2>
            <ul>
              {imports.map((i) => (
                <li>
                  {i.kind === 'places' ? <a href={`/admin/lieux/imports/${i.id}`}>{i.file_name}</a> : i.file_name} —{' '}
                  {formatDateTime(i.finished_at)}
                  {i.kind === 'places'
                    ? ` — ${i.summary.created ?? 0} créés, ${i.summary.updated ?? 0} mis à jour, ${i.summary.rejected ?? 0} rejetés`
                    : ` — ${i.summary.communes ?? 0} communes`}
                </li>
              ))}
            </ul>
          </>
        ) : null}
      </>,
    );
  });

  // The token is a field of the multipart form (readUpload); a real import ends with a redirect
  // to its stored report, so a reload shows the report and never imports again (issue 13).
  app.post('/admin/lieux/import', { preValidation: readUpload }, async (request, reply) => {
    const actor = requireActor(request);
    authorize(actor, lieuxPolicy.importPlaces, null);
    try {
      const file = takeUpload(request);
      const report = await importPlaces(deps, actor, file.bytes, {
        fileName: file.name,
        dryRun: file.fields.simulation === 'oui',
        placeFarAtCommune: file.fields.placer_commune === 'oui',
      });
      // A simulation writes no place: its report is kept a short time to be shown by a GET.
      const id = report.importId ?? (await keepSimulation(deps, actor, report));
      return reply.redirect(`/admin/lieux/imports/${id}`, 303);
    } catch (error) {
      const e = formError(error);
      reply.flash('error', e.userMessage);
      return reply.redirect('/admin/lieux', 303);
    }
  });

  // Same as the places import: the token is a field of the form (readUpload), and the result is
  // a message on the page redirected to, so a reload never replaces the base again (issue 13).
  app.post('/admin/lieux/communes', { preValidation: readUpload }, async (request, reply) => {
    const actor = requireActor(request);
    authorize(actor, lieuxPolicy.importPlaces, null);
    try {
      const file = takeUpload(request);
      const report = await importCommunes(deps, actor, file.bytes, file.name);
      reply.flash(
        'success',
        `Référentiel remplacé : ${report.communes} communes, ${report.postcodes} codes postaux (${report.rejected.length} lignes rejetées).`,
      );
    } catch (error) {
      reply.flash('error', errorSentence(formError(error)));
    }
    return reply.redirect('/admin/lieux', 303);
  });

  app.get<{ Params: { id: string } }>('/admin/lieux/imports/:id', async (request, reply) => {
    const actor = requireActor(request);
    authorize(actor, lieuxPolicy.importPlaces, null);
    const found = await findImport(deps.db, request.params.id);
    if (found?.kind !== 'places') throw new NotFoundError('Rapport introuvable.');
    if (found.dry_run && deps.clock().getTime() - found.finished_at.getTime() > SIMULATION_KEPT_MS)
      throw new NotFoundError('Cette simulation n’est plus gardée : relancez-la depuis la page d’import.');
    return reply.page(
      { title: "Rapport d'import" },
      <>
        <Breadcrumb
          items={[
            { label: 'Mon espace', href: '/espace' },
            { label: 'Lieux : import', href: '/admin/lieux' },
            { label: 'Rapport' },
          ]}
        />
        <h1>
          Rapport d'import du {formatDateTime(found.finished_at)}
          {found.dry_run ? ' (simulation)' : ''}
        </h1>
        <ReportView report={found.report as ImportReport} />
        <a class="fr-btn fr-btn--secondary" href="/admin/lieux">
          Retour
        </a>
      </>,
    );
  });
}
