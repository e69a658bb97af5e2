/**
 * Habilitations: the coordinateur's list of structures of their territory (/mandats/habilitations),
 * one structure's habilitation and helpers (/mandats/habilitations/{id}), and the forms behind them.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Actor } from '../../platform/auth/actor.ts';
import { requireActor } from '../../platform/auth/auth-plugin.ts';
import { authorize, can } from '../../platform/auth/policy.ts';
import { type AppError, NotFoundError } from '../../platform/http/errors.ts';
import { formError } from '../../platform/http/forms.ts';
import { formatDate } from '../../platform/print/index.ts';
import { Breadcrumb, ChoiceGroup, ErrorSummary, InputField, PostForm } from '../../platform/views/components.tsx';
import type { MandatesDeps } from './deps.ts';
import { FAMILIES, familyTitle } from './families.ts';
import {
  habilitateStructure,
  recordHelperTraining,
  setHelperSuspension,
  setStructureSuspension,
} from './habilitations.ts';
import {
  findStructureHabilitation,
  type HelperRecord,
  helpersOf,
  listStructureHabilitations,
  type StructureHabilitationRecord,
} from './habilitations-repository.ts';
import { mandatesPolicy, type StructureRef } from './policies.ts';

/** What the module needs to know of organisations and their members (the accounts module, wired in app.ts). */
export interface OrganisationPort {
  find(id: string): Promise<(StructureRef & { name: string }) | undefined>;
  list(): Promise<Array<StructureRef & { name: string }>>;
  members(
    organisationId: string,
  ): Promise<Array<{ userId: string; displayName: string; role: string; canActOnBehalf: boolean }>>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function StructureList(props: {
  rows: Array<{ id: string; name: string; habilitation: StructureHabilitationRecord | undefined }>;
}) {
  return (
    <>
      <Breadcrumb items={[{ label: 'Espace', href: '/espace' }, { label: 'Habilitations mandats' }]} />
      <h1>Habilitations aux mandats</h1>
      <p>
        Les structures de votre territoire. Habilitez une structure (référence, familles de démarches, dates), puis
        enregistrez la formation de chacun de ses aidants : sans formation enregistrée, un aidant ne peut ni créer ni
        utiliser de mandat.
      </p>
      {props.rows.length === 0 ? <p>Aucune structure dans votre territoire.</p> : null}
      <ul>
        {props.rows.map((r) => (
          <li>
            <a href={`/mandats/habilitations/${r.id}`}>{r.name}</a> —{' '}
            {r.habilitation
              ? r.habilitation.suspendedAt
                ? 'habilitation suspendue'
                : `habilitée (${r.habilitation.reference})`
              : 'non habilitée'}
          </li>
        ))}
      </ul>
    </>
  );
}

interface DetailProps {
  structure: StructureRef & { name: string };
  habilitation: StructureHabilitationRecord | undefined;
  helpers: Array<{ userId: string; displayName: string; record: HelperRecord | undefined }>;
  mayHabilitate: boolean;
  maySuspendStructure: boolean;
  csrf: string;
  error?: AppError | undefined;
  values?: Record<string, string | string[]> | undefined;
}

function StructureDetail(p: DetailProps) {
  const h = p.habilitation;
  const fe = p.error?.fieldErrors ?? {};
  const v = p.values ?? {};
  const str = (k: string, fallback = '') => (typeof v[k] === 'string' ? (v[k] as string) : fallback);
  const families = Array.isArray(v.families)
    ? v.families
    : typeof v.families === 'string'
      ? [v.families]
      : (h?.families ?? []);
  return (
    <>
      <Breadcrumb
        items={[
          { label: 'Espace', href: '/espace' },
          { label: 'Habilitations mandats', href: '/mandats/habilitations' },
          { label: p.structure.name },
        ]}
      />
      <h1>Habilitation de « {p.structure.name} »</h1>
      <p data-testid="etat-habilitation">
        {h
          ? `${h.suspendedAt ? 'Habilitation suspendue' : 'Structure habilitée'} — référence ${h.reference}, du ${formatDate(h.startsOn)}${h.endsOn ? ` au ${formatDate(h.endsOn)}` : ''} ; familles : ${h.families.map(familyTitle).join(', ')}.`
          : "Cette structure n'est pas habilitée."}
      </p>
      <ErrorSummary errors={fe} message={p.error?.userMessage} />
      {p.mayHabilitate ? (
        <PostForm action={`/mandats/habilitations/${p.structure.id}`} csrf={p.csrf}>
          <h2 class="fr-h4">{h ? "Modifier l'habilitation" : 'Habiliter la structure'}</h2>
          <InputField
            name="reference"
            label="Référence de l'habilitation"
            value={str('reference', h?.reference)}
            error={fe.reference}
            maxLength={60}
          />
          <ChoiceGroup
            name="families"
            legend="Familles de démarches couvertes"
            kind="checkbox"
            options={FAMILIES.map((f) => ({ value: f.key, label: f.title }))}
            selected={families}
            error={fe.families}
          />
          <InputField
            name="startsOn"
            label="Début"
            type="date"
            value={str('startsOn', h?.startsOn)}
            error={fe.startsOn}
          />
          <InputField
            name="endsOn"
            label="Fin"
            type="date"
            required={false}
            value={str('endsOn', h?.endsOn ?? '')}
            error={fe.endsOn}
          />
          <button class="fr-btn" type="submit">
            {h ? "Enregistrer l'habilitation" : 'Habiliter'}
          </button>
        </PostForm>
      ) : null}
      {h && p.maySuspendStructure ? (
        <PostForm
          action={`/mandats/habilitations/${p.structure.id}/${h.suspendedAt ? 'retablir' : 'suspendre'}`}
          csrf={p.csrf}
          class="fr-mt-2w"
        >
          <button class={`fr-btn ${h.suspendedAt ? 'fr-btn--secondary' : 'fr-btn--tertiary'}`} type="submit">
            {h.suspendedAt ? "Rétablir l'habilitation" : "Suspendre l'habilitation (effet immédiat)"}
          </button>
        </PostForm>
      ) : null}
      <h2 class="fr-h4 fr-mt-4w">Aidants déclarés pour agir pour le compte d'autrui</h2>
      {p.helpers.length === 0 ? (
        <p>
          Aucun membre n'est déclaré pour agir pour le compte d'autrui : le responsable le fait depuis la page des
          membres.
        </p>
      ) : null}
      {p.helpers.map((helper) => (
        <section class="fr-mb-3w" data-testid="aidant-habilitation">
          <h3 class="fr-h6">{helper.displayName}</h3>
          <p>
            {helper.record?.suspendedAt
              ? 'Habilitation suspendue.'
              : helper.record?.trainedOn
                ? `Formé le ${formatDate(helper.record.trainedOn)}${helper.record.pixCertifiedOn ? `, certification Pix le ${formatDate(helper.record.pixCertifiedOn)}` : ''}.`
                : 'Non habilité : formation à enregistrer.'}
          </p>
          {p.mayHabilitate ? (
            <PostForm action={`/mandats/habilitations/${p.structure.id}/aidants/${helper.userId}`} csrf={p.csrf}>
              <InputField
                name="trainedOn"
                idPrefix={`${helper.userId}-`}
                label="Date de la formation"
                type="date"
                value={helper.record?.trainedOn ?? ''}
              />
              <InputField
                name="pixOn"
                idPrefix={`${helper.userId}-`}
                label="Date de la certification Pix"
                type="date"
                required={false}
                value={helper.record?.pixCertifiedOn ?? ''}
              />
              <button class="fr-btn fr-btn--secondary" type="submit">
                Enregistrer la formation
              </button>
            </PostForm>
          ) : null}
          <PostForm
            action={`/mandats/habilitations/${p.structure.id}/aidants/${helper.userId}/${helper.record?.suspendedAt ? 'retablir' : 'suspendre'}`}
            csrf={p.csrf}
            class="fr-mt-1w"
          >
            <button class="fr-btn fr-btn--tertiary fr-btn--sm" type="submit">
              {helper.record?.suspendedAt ? 'Rétablir cet aidant' : 'Suspendre cet aidant (effet immédiat)'}
            </button>
          </PostForm>
        </section>
      ))}
    </>
  );
}

export function habilitationRoutes(
  app: FastifyInstance,
  opts: { deps: MandatesDeps; organisations: OrganisationPort },
) {
  const { deps, organisations } = opts;

  async function structureFor(id: string) {
    if (!UUID.test(id)) throw new NotFoundError('Cette structure est introuvable.');
    const structure = await organisations.find(id);
    if (!structure) throw new NotFoundError('Cette structure est introuvable.');
    return structure;
  }

  async function helperFor(structureId: string, userId: string) {
    if (!UUID.test(userId)) return undefined;
    return (await organisations.members(structureId)).find((m) => m.userId === userId);
  }

  async function renderDetail(
    reply: FastifyReply,
    actor: Actor,
    structure: StructureRef & { name: string },
    extra: { error?: AppError; values?: Record<string, string | string[]> } = {},
  ) {
    const members = (await organisations.members(structure.id)).filter((m) => m.canActOnBehalf);
    const records = await helpersOf(deps.db, structure.id);
    return reply.page(
      { title: `Habilitation — ${structure.name}` },
      <StructureDetail
        structure={structure}
        habilitation={await findStructureHabilitation(deps.db, structure.id)}
        helpers={members.map((m) => ({
          userId: m.userId,
          displayName: m.displayName,
          record: records.find((r) => r.userId === m.userId),
        }))}
        mayHabilitate={can(actor, mandatesPolicy.habilitate, structure)}
        maySuspendStructure={can(actor, mandatesPolicy.suspendStructure, structure)}
        csrf={reply.pageContext().csrfToken}
        error={extra.error}
        values={extra.values}
      />,
      extra.error?.status ?? 200,
    );
  }

  app.get('/mandats/habilitations', async (request, reply) => {
    const actor = requireActor(request);
    authorize(actor, mandatesPolicy.listHabilitations, null);
    const habilitations = await listStructureHabilitations(deps.db);
    const rows = (await organisations.list())
      .filter(
        (o) =>
          can(actor, mandatesPolicy.habilitate, o) ||
          (actor.isPlatformAdmin && habilitations.some((h) => h.organisationId === o.id)),
      )
      .map((o) => ({ id: o.id, name: o.name, habilitation: habilitations.find((h) => h.organisationId === o.id) }));
    return reply.page({ title: 'Habilitations aux mandats' }, <StructureList rows={rows} />);
  });

  app.get<{ Params: { id: string } }>('/mandats/habilitations/:id', async (request, reply) => {
    const actor = requireActor(request);
    const structure = await structureFor(request.params.id);
    authorize(actor, mandatesPolicy.viewHabilitation, structure);
    return renderDetail(reply, actor, structure);
  });

  app.post<{ Params: { id: string } }>('/mandats/habilitations/:id', async (request, reply) => {
    const actor = requireActor(request);
    const structure = await structureFor(request.params.id);
    try {
      await habilitateStructure(deps, actor, structure, request.body);
      reply.flash('success', 'Habilitation enregistrée.');
      return reply.redirect(`/mandats/habilitations/${structure.id}`, 303);
    } catch (error) {
      const e = formError(error);
      if (e.status === 403 || e.status === 401 || e.status === 404) throw e;
      return renderDetail(reply, actor, structure, { error: e, values: request.body as Record<string, string> });
    }
  });

  for (const [verb, suspended] of [
    ['suspendre', true],
    ['retablir', false],
  ] as const) {
    app.post<{ Params: { id: string } }>(`/mandats/habilitations/:id/${verb}`, async (request, reply) => {
      const actor = requireActor(request);
      const structure = await structureFor(request.params.id);
      await setStructureSuspension(deps, actor, structure, suspended);
      reply.flash(
        'success',
        suspended ? 'Habilitation suspendue : plus aucun mandat ne peut être utilisé.' : 'Habilitation rétablie.',
      );
      return reply.redirect(`/mandats/habilitations/${structure.id}`, 303);
    });
    app.post<{ Params: { id: string; user: string } }>(
      `/mandats/habilitations/:id/aidants/:user/${verb}`,
      async (request, reply) => {
        const actor = requireActor(request);
        const structure = await structureFor(request.params.id);
        await setHelperSuspension(
          deps,
          actor,
          structure,
          await helperFor(structure.id, request.params.user),
          suspended,
        );
        reply.flash('success', suspended ? 'Aidant suspendu : effet immédiat.' : 'Aidant rétabli.');
        return reply.redirect(`/mandats/habilitations/${structure.id}`, 303);
      },
    );
  }

  app.post<{ Params: { id: string; user: string } }>(
    '/mandats/habilitations/:id/aidants/:user',
    async (request, reply) => {
      const actor = requireActor(request);
      const structure = await structureFor(request.params.id);
      try {
        await recordHelperTraining(
          deps,
          actor,
          structure,
          await helperFor(structure.id, request.params.user),
          request.body,
        );
        reply.flash('success', 'Formation enregistrée : cet aidant est habilité.');
        return reply.redirect(`/mandats/habilitations/${structure.id}`, 303);
      } catch (error) {
        const e = formError(error);
        if (e.status === 403 || e.status === 401 || e.status === 404) throw e;
        return renderDetail(reply, actor, structure, { error: e });
      }
    },
  );
}
