/**
 * Redemption at the place, on a phone: type the code (or scan the QR code, which opens this
 * page with the code), see at once whether it is valid, choose the service, validate.
 * Works without JavaScript; a second submission of the same form returns the same success.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren } from 'preact';
import type { Actor } from '../../platform/auth/actor.ts';
import { requireActor } from '../../platform/auth/auth-plugin.ts';
import { randomToken } from '../../platform/crypto.ts';
import { type AppError, ForbiddenError } from '../../platform/http/errors.ts';
import { errorSentence, field, formError } from '../../platform/http/forms.ts';
import { requiredText } from '../../platform/http/validation.ts';
import { formatDateTime, formatEuros, parisDate } from '../../platform/print/index.ts';
import {
  Breadcrumb,
  ChoiceGroup,
  ErrorSummary,
  InputField,
  PostForm,
  SelectField,
} from '../../platform/views/components.tsx';
import { placeSummaries, placesOfOrganisation, serviceLabel } from '../lieux/index.ts';
import { sessionFormUrlForVoucher } from '../support/index.ts';
import type { PassDeps } from './deps.ts';
import { redeemingOrganisations } from './policies.ts';
import { listQualifications } from './qualifications.ts';
import { checkVoucher, redeemVoucher, type VoucherCheck } from './redeem-voucher.ts';
import { recentRedemptions, undoRedemption } from './undo-redemption.ts';
import { voucherCheckLimit } from './voucher-check-limit.ts';
import { formatVoucherCode } from './voucher-code.ts';
import { VoucherRefused } from './voucher-rules.ts';

interface PlaceOption {
  value: string;
  label: string;
}

/** The qualified places where this helper may redeem. */
async function redeemPlaces(deps: PassDeps, actor: Actor): Promise<PlaceOption[]> {
  const redeeming = new Set(redeemingOrganisations(actor));
  const orgs = actor.memberships.filter((m) => redeeming.has(m.organisationId));
  const options: PlaceOption[] = [];
  for (const m of orgs) {
    const qualified = new Set(
      (await listQualifications(deps.db, { organisationId: m.organisationId, status: 'qualified' })).map(
        (q) => q.place_id,
      ),
    );
    for (const p of await placesOfOrganisation(deps.db, m.organisationId)) {
      if (qualified.has(p.id) && p.status === 'open') options.push({ value: p.id, label: `${p.nom} (${p.commune})` });
    }
  }
  return options;
}

function PlaceChoice({ places, value }: { places: PlaceOption[]; value: string }) {
  if (places.length === 1) return <input type="hidden" name="lieu" value={places[0]?.value} />;
  return <SelectField name="lieu" label="Lieu où l'aide est donnée" options={places} value={value} />;
}

/** A refusal about the code as typed is also shown on the field, as the DSFR asks. */
function codeError(error: AppError | undefined): string | undefined {
  if (!error) return undefined;
  if (error.fieldErrors.code) return error.fieldErrors.code;
  const aboutTheCode = ['code_format', 'code_typo', 'unknown_code'];
  return error instanceof VoucherRefused && aboutTheCode.includes(error.refusal) ? error.userMessage : undefined;
}

function CodeForm(props: {
  csrf: string;
  places: PlaceOption[];
  place: string;
  code?: string;
  error?: AppError | undefined;
}) {
  return (
    <>
      <ErrorSummary errors={{}} message={props.error ? props.error.userMessage : undefined} />
      <PostForm action="/pass/encaisser/verifier" csrf={props.csrf} id="formulaire-code">
        <PlaceChoice places={props.places} value={props.place} />
        <InputField
          name="code"
          label="Code du chèque"
          hint="10 caractères inscrits sous le QR code, par exemple K7MC-3PX4-TF. Les tirets et les minuscules sont acceptés."
          value={props.code}
          autocomplete="off"
          spellcheck={false}
          maxLength={20}
          error={codeError(props.error)}
          autofocus
        />
        <p>
          <button
            type="button"
            class="fr-btn fr-btn--tertiary fr-btn--sm fr-icon-qr-code-line fr-btn--icon-left"
            id="scanner-qr"
            hidden
          >
            Scanner le QR code avec la caméra
          </button>
        </p>
        <div id="zone-camera" hidden>
          <video id="camera" playsinline muted class="pa-qr" />
          <p id="camera-statut" role="status" />
        </div>
        <button class="fr-btn" type="submit">
          Vérifier le chèque
        </button>
      </PostForm>
    </>
  );
}

function ConfirmForm(props: {
  csrf: string;
  check: VoucherCheck;
  place: string;
  places: PlaceOption[];
  serviceError?: string;
}) {
  const c = props.check;
  const placeLabel = props.places.find((p) => p.value === props.place)?.label ?? '';
  return (
    <>
      <div class="fr-alert fr-alert--success fr-mb-3w" role="status">
        <h2 class="fr-alert__title">Chèque valable : {c.faceValue}</h2>
        <p>
          {formatVoucherCode(c.code)} — {c.programme.name}, carnet n° {c.bookletNumber}, chèque {c.position}
        </p>
      </div>
      <PostForm action="/pass/encaisser" csrf={props.csrf}>
        <input type="hidden" name="code" value={c.code} />
        <input type="hidden" name="lieu" value={props.place} />
        <input type="hidden" name="cle" value={randomToken(16)} />
        <ChoiceGroup
          kind="radio"
          name="service"
          legend="Quel accompagnement avez-vous donné ?"
          options={c.services.map((s) => ({ value: s, label: serviceLabel(s) }))}
          selected={c.services.length === 1 ? c.services : []}
          error={props.serviceError}
        />
        {placeLabel ? <p class="fr-text--sm">Lieu : {placeLabel}</p> : null}
        <ul class="fr-btns-group fr-btns-group--inline-md">
          <li>
            <button class="fr-btn" type="submit">
              Encaisser {c.faceValue}
            </button>
          </li>
          <li>
            <a class="fr-btn fr-btn--secondary" href="/pass/encaisser">
              Annuler
            </a>
          </li>
        </ul>
      </PostForm>
    </>
  );
}

export function redeemRoutes(app: FastifyInstance, opts: { deps: PassDeps; voucherChecksPerMinute: number }) {
  const { deps } = opts;
  const checkLimit = { rateLimit: voucherCheckLimit(opts.voucherChecksPerMinute) };

  app.workspace.add({
    title: 'Encaisser un chèque Pass numérique',
    description: 'Vérifier et encaisser un chèque au lieu d’accompagnement, annuler dans les 24 heures.',
    href: '/pass/encaisser',
    visible: (actor) => redeemingOrganisations(actor).length > 0,
  });

  const page = (reply: FastifyReply, body: ComponentChildren, status = 200) =>
    reply.page(
      { title: 'Encaisser un chèque', scripts: ['pass/scan.js'], noindex: true },
      <>
        <Breadcrumb items={[{ label: 'Mon espace', href: '/espace' }, { label: 'Encaisser un chèque' }]} />
        <h1>Encaisser un chèque Pass numérique</h1>
        {body}
        <p class="fr-mt-4w">
          <a href="/pass/encaissements">Chèques encaissés récemment (annulation possible pendant 24 heures)</a>
        </p>
      </>,
      status,
    );

  async function context(request: FastifyRequest) {
    const actor = requireActor(request);
    const places = await redeemPlaces(deps, actor);
    return { actor, places };
  }

  function noPlace(reply: FastifyReply) {
    return page(
      reply,
      <div class="fr-callout">
        <p class="fr-callout__text">
          Aucun de vos lieux n’est habilité à accepter le Pass numérique. Le ou la responsable de votre structure peut
          demander l’habilitation depuis <a href="/pass/habilitation">la page Habilitation</a>.
        </p>
      </div>,
    );
  }

  /**
   * The place an aidant redeems at is remembered between redemptions (issue 13), in a cookie of
   * this page only: a place id, no personal data, used only if still one of the actor's places.
   */
  const PLACE_COOKIE = 'pass_lieu';
  const placeCookie = {
    path: '/pass/encaisser',
    httpOnly: true,
    sameSite: 'lax' as const,
    secure: deps.publicUrl.startsWith('https://'),
    maxAge: 180 * 24 * 3600,
  };
  function rememberedPlace(request: FastifyRequest, places: Array<{ value: string }>, asked = ''): string {
    const remembered = request.cookies[PLACE_COOKIE] ?? '';
    for (const candidate of [asked, remembered]) if (places.some((p) => p.value === candidate)) return candidate;
    return places[0]?.value ?? '';
  }

  async function verify(request: FastifyRequest, reply: FastifyReply, code: string, place: string) {
    const { actor, places } = await context(request);
    if (places.length === 0) return noPlace(reply);
    const chosen = place || rememberedPlace(request, places);
    if (!places.some((p) => p.value === chosen))
      throw new ForbiddenError('Vous ne pouvez pas encaisser de chèque dans ce lieu.');
    const csrf = reply.pageContext().csrfToken;
    try {
      const check = await checkVoucher(deps, actor, { code, placeId: chosen });
      return page(reply, <ConfirmForm csrf={csrf} check={check} place={chosen} places={places} />);
    } catch (error) {
      const e = formError(error);
      return page(reply, <CodeForm csrf={csrf} places={places} place={chosen} code={code} error={e} />, e.status);
    }
  }

  app.get('/pass/encaisser', async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const code = typeof query.code === 'string' ? query.code : '';
    const place = typeof query.lieu === 'string' ? query.lieu : '';
    if (code) return verify(request, reply, code, place);
    const { places } = await context(request);
    if (places.length === 0) return noPlace(reply);
    return page(
      reply,
      <CodeForm csrf={reply.pageContext().csrfToken} places={places} place={rememberedPlace(request, places, place)} />,
    );
  });

  app.post('/pass/encaisser/verifier', { config: checkLimit }, async (request, reply) => {
    const code = requiredText(40).safeParse(field(request.body, 'code'));
    if (!code.success) {
      const { places } = await context(request);
      return page(
        reply,
        <CodeForm
          csrf={reply.pageContext().csrfToken}
          places={places}
          place={field(request.body, 'lieu')}
          error={new VoucherRefused('code_format', 'Saisissez le code inscrit sur le chèque.', 400)}
        />,
        400,
      );
    }
    return verify(request, reply, code.data, field(request.body, 'lieu'));
  });

  app.post('/pass/encaisser', { config: checkLimit }, async (request, reply) => {
    const { actor, places } = await context(request);
    const code = field(request.body, 'code');
    const place = field(request.body, 'lieu');
    const service = field(request.body, 'service');
    const csrf = reply.pageContext().csrfToken;
    if (!places.some((p) => p.value === place))
      throw new ForbiddenError('Vous ne pouvez pas encaisser de chèque dans ce lieu.');
    if (!service) {
      const check = await checkVoucher(deps, actor, { code, placeId: place }).catch(() => undefined);
      if (check) {
        return page(
          reply,
          <>
            <ErrorSummary errors={{ service: 'Choisissez l’accompagnement donné.' }} />
            <ConfirmForm
              csrf={csrf}
              check={check}
              place={place}
              places={places}
              serviceError="Choisissez l’accompagnement donné."
            />
          </>,
          400,
        );
      }
    }
    try {
      const result = await redeemVoucher(deps, actor, {
        code,
        placeId: place,
        service,
        idempotencyKey: field(request.body, 'cle'),
        channel: 'web',
      });
      reply.setCookie(PLACE_COOKIE, place, placeCookie);
      return page(
        reply,
        <>
          <div class="fr-alert fr-alert--success fr-mb-3w" role="status">
            <h2 class="fr-alert__title">Chèque encaissé : {formatEuros(result.redemption.amount_cents)}</h2>
            <p>
              {formatVoucherCode(result.redemption.voucher_code)} — {serviceLabel(result.redemption.service)}, le{' '}
              {formatDateTime(result.redemption.redeemed_at)}.
              {result.replayed ? ' (Déjà enregistré : rien n’a été compté deux fois.)' : ''}
            </p>
          </div>
          <ul class="fr-btns-group fr-btns-group--inline-md">
            {app.hasRoute({ method: 'GET', url: '/accompagnements/nouveau' }) ? (
              <li>
                <a
                  class="fr-btn"
                  href={sessionFormUrlForVoucher({
                    placeId: place,
                    service: result.redemption.service,
                    date: parisDate(result.redemption.redeemed_at),
                    redemptionId: result.redemption.id,
                  })}
                >
                  Enregistrer la séance (déjà pré-remplie)
                </a>
              </li>
            ) : null}
            <li>
              <a class="fr-btn fr-btn--secondary" href={`/pass/encaisser?lieu=${encodeURIComponent(place)}`}>
                Encaisser un autre chèque
              </a>
            </li>
          </ul>
        </>,
      );
    } catch (error) {
      const e = formError(error);
      return page(reply, <CodeForm csrf={csrf} places={places} place={place} code={code} error={e} />, e.status);
    }
  });

  app.get('/pass/encaissements', async (request, reply) => {
    const actor = requireActor(request);
    const orgs = redeemingOrganisations(actor);
    const rows = await recentRedemptions(deps, orgs);
    const placeNames = await placeSummaries(
      deps.db,
      rows.map((r) => r.place_id),
    );
    const csrf = reply.pageContext().csrfToken;
    const now = deps.clock().getTime();
    return reply.page(
      { title: 'Chèques encaissés', noindex: true },
      <>
        <Breadcrumb
          items={[
            { label: 'Mon espace', href: '/espace' },
            { label: 'Encaisser un chèque', href: '/pass/encaisser' },
            { label: 'Chèques encaissés' },
          ]}
        />
        <h1>Chèques encaissés récemment</h1>
        {rows.length === 0 ? <p>Aucun chèque encaissé pour l’instant.</p> : null}
        <ul class="pa-list-plain">
          {rows.map((r) => (
            <li class="fr-mb-3w">
              <p class="fr-mb-1w">
                <strong>{formatVoucherCode(r.voucher_code)}</strong> — {formatEuros(r.amount_cents)} —{' '}
                {serviceLabel(r.service)} — {formatDateTime(r.redeemed_at)} à «{' '}
                {placeNames.get(r.place_id)?.nom ?? r.place_id} » (
                {r.channel === 'api' ? 'par logiciel' : 'sur la page'}) — {r.programme_name}, carnet n°{' '}
                {r.booklet_number}
                {r.undone_at ? ` — annulé (${r.undo_reason})` : ''}
              </p>
              {!r.undone_at && now - r.redeemed_at.getTime() < 24 * 3600_000 ? (
                <PostForm action={`/pass/encaissements/${r.id}/annuler`} csrf={csrf}>
                  <InputField
                    name="reason"
                    idPrefix={`${r.id}-`}
                    label={`Raison de l’annulation du chèque ${formatVoucherCode(r.voucher_code)}`}
                    maxLength={300}
                  />
                  <button class="fr-btn fr-btn--sm fr-btn--secondary" type="submit">
                    Annuler cet encaissement
                  </button>
                </PostForm>
              ) : null}
            </li>
          ))}
        </ul>
      </>,
    );
  });

  app.post<{ Params: { id: string } }>('/pass/encaissements/:id/annuler', async (request, reply) => {
    const actor = requireActor(request);
    try {
      await undoRedemption(deps, actor, request.params.id, request.body);
      reply.flash('success', 'Encaissement annulé : le chèque peut de nouveau être utilisé.');
    } catch (error) {
      const e = formError(error);
      reply.flash(
        'error',
        e.fieldErrors.reason
          ? 'Pour annuler un encaissement, écrivez la raison de l’annulation dans le champ sous ce chèque.'
          : errorSentence(e),
      );
    }
    return reply.redirect('/pass/encaissements', 303);
  });
}
