/**
 * The result of a diagnostic (level, needs, what to bring, places, the slip), the printable
 * A4 slip, and the slip's summary for whoever has its code.
 */
import type { ComponentChildren } from 'preact';
import { formatPhone, telUri } from '../../../platform/print/index.ts';
import type { NearbyPlace } from '../../lieux/index.ts';
import type { PlaceHours } from '../hours-text.ts';
import { formatDate } from '../i18n.ts';
import type { RankedPlace } from '../match-places.ts';
import type { SlipRow } from '../repository.ts';
import { displaySlipCode } from '../slip-code.ts';
import type { ProfessionalView, PublicSummary } from '../slips.ts';
import { Hidden, Icon, LanguageSwitch, TranslationNotice, type ViewContext } from './common.tsx';

export interface ResultPageProps {
  ctx: ViewContext;
  slip: SlipRow;
  places: RankedPlace[];
  far: boolean;
  destination: NearbyPlace | undefined;
  hours: Map<string, PlaceHours>;
  itemsToBring: string[];
  slipUrl: string;
  qr: string;
  /** The professional who made this slip may choose a place and write a note. */
  orient?: { note: string; error?: string | undefined } | undefined;
}

/** Number formats are costly to build: one per language and precision, kept. */
const numberFormats = new Map<string, Intl.NumberFormat>();
function km(ctx: ViewContext, distance: number): string {
  const digits = distance < 10 ? 1 : 0;
  const key = `${ctx.lang}|${digits}`;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(ctx.lang === 'ar' ? 'ar-u-nu-latn' : ctx.lang, { maximumFractionDigits: digits });
    numberFormats.set(key, format);
  }
  return ctx.t('lieu.a_km', { km: format.format(distance) });
}

function OpenStatus({ ctx, hours }: { ctx: ViewContext; hours: PlaceHours | undefined }) {
  if (!hours) return <p>{ctx.t('lieu.horaires_inconnus')}</p>;
  return hours.openNow ? <p class="pa-open">{hours.text}</p> : <p>{hours.text}</p>;
}

export function PlaceCard({
  ctx,
  place,
  strengths,
  hours,
  heading = 'h3',
}: {
  ctx: ViewContext;
  place: NearbyPlace;
  strengths: string[];
  hours: PlaceHours | undefined;
  heading?: 'h2' | 'h3';
}) {
  const Heading = heading;
  return (
    <>
      <Heading lang="fr" dir="auto">
        {place.nom}
      </Heading>
      <p>
        <bdi lang="fr">
          {place.adresse}
          {place.complementAdresse ? `, ${place.complementAdresse}` : ''}, {place.codePostal} {place.commune}
        </bdi>
        {place.distanceKm > 0 ? (
          <span lang={ctx.lang}>
            {' — '}
            {km(ctx, place.distanceKm)}
          </span>
        ) : null}
      </p>
      <OpenStatus ctx={ctx} hours={hours} />
      {place.telephone ? (
        <p>
          {ctx.t('lieu.appeler')}{' '}
          <a class="pa-phone" href={telUri(place.telephone) ?? `tel:${place.telephone}`} dir="ltr">
            {formatPhone(place.telephone)}
          </a>
        </p>
      ) : null}
      {strengths.length > 0 ? (
        <p>
          {ctx.t('lieu.propose')} {strengths.map((s) => ctx.t(`atout.${s}`)).join(ctx.t('liste.separateur'))}.
        </p>
      ) : null}
      <p class="pa-no-print">
        <a href={`/lieux/${encodeURIComponent(place.id)}`}>
          {ctx.t('lieu.voir')}
          <span class="fr-sr-only" lang="fr">
            {' '}
            : {place.nom}
          </span>
        </a>
      </p>
    </>
  );
}

function Level({ ctx, level }: { ctx: ViewContext; level: SlipRow['level'] }) {
  return (
    <div class={`pa-level pa-level--${level}`}>
      <p class="fr-text--sm fr-mb-1v">{ctx.t('resultat.niveau')}</p>
      <p class="fr-h3 fr-mb-1w">{ctx.t(`niveau.${level}.nom`)}</p>
      <p class="fr-text--lead fr-mb-0">{ctx.t(`niveau.${level}.personne`)}</p>
    </div>
  );
}

export function needText(ctx: ViewContext, need: string, procedure: string): string {
  return need === 'demarche'
    ? ctx.t('besoin.demarche', { famille: ctx.t(`option.demarche.${procedure}`) })
    : ctx.t(`besoin.${need}`);
}

function Needs({
  ctx,
  slip,
  heading,
}: {
  ctx: ViewContext;
  slip: Pick<SlipRow, 'needs' | 'procedure'>;
  heading: string;
}) {
  if (slip.needs.length === 0) return null;
  return (
    <section>
      <h2>{heading}</h2>
      <ul>
        {slip.needs.map((n) => (
          <li>{needText(ctx, n, slip.procedure)}</li>
        ))}
      </ul>
    </section>
  );
}

function Bring({ ctx, items }: { ctx: ViewContext; items: string[] }) {
  return (
    <section>
      <h2>{ctx.t('resultat.apporter')}</h2>
      <ul>
        {items.map((i) => (
          <li>{ctx.t(`apporter.${i}`)}</li>
        ))}
      </ul>
      <p class="fr-text--sm">{ctx.t('resultat.apporter_relecture')}</p>
    </section>
  );
}

function SlipBox({
  ctx,
  slip,
  qr,
  children,
}: {
  ctx: ViewContext;
  slip: SlipRow;
  qr: string;
  children?: ComponentChildren;
}) {
  return (
    <div class="pa-slip-box">
      {/* SVG built by platform/print (qrSvg) from the slip's own URL. */}
      <div class="pa-slip-qr" dangerouslySetInnerHTML={{ __html: qr }} />
      <div>
        <p class="fr-mb-1v">{ctx.t('fiche.code')}</p>
        <p class="pa-slip-code fr-mb-1w" data-testid="code-fiche">
          {displaySlipCode(slip.code)}
        </p>
        <p class="fr-text--sm fr-mb-1v">{ctx.t('fiche.code_aide')}</p>
        <p class="fr-text--sm fr-mb-0">
          {ctx.t('fiche.faite_le', { date: formatDate(ctx.lang, slip.createdAt) })}{' '}
          {ctx.t('fiche.valable', { date: formatDate(ctx.lang, slip.expiresAt) })}
        </p>
        {children}
      </div>
    </div>
  );
}

function OrientForm({ ctx, props }: { ctx: ViewContext; props: ResultPageProps }) {
  if (!props.orient) return null;
  const candidates = [...props.places.map((p) => p.place)];
  if (props.destination && !candidates.some((p) => p.id === props.destination?.id))
    candidates.unshift(props.destination);
  return (
    <section class="fr-mt-4w pa-no-print" lang="fr" id="orienter">
      <h2>Orienter la personne</h2>
      <p>
        Choisissez le lieu où vous envoyez la personne : la fiche le nommera. La note n'est lue que par ce lieu et par
        votre structure, jamais sur la page publique de la fiche. Elle est effacée quand la fiche expire.
      </p>
      {props.orient.error ? (
        <div class="fr-alert fr-alert--error fr-mb-3w" role="alert">
          <p>{props.orient.error}</p>
        </div>
      ) : null}
      <form method="post" action={`/orientation/fiche/${displaySlipCode(props.slip.code)}/orienter`}>
        <Hidden name="_csrf" value={ctx.csrfToken} />
        <fieldset class="fr-fieldset" id="lieu-choisi">
          <legend class="fr-fieldset__legend">Lieu où envoyer la personne</legend>
          {candidates.map((p, i) => (
            <div class="fr-fieldset__element">
              <div class="fr-radio-group">
                <input
                  type="radio"
                  id={`lieu-${i}`}
                  name="lieu"
                  value={p.id}
                  checked={props.destination?.id === p.id}
                />
                <label class="fr-label" for={`lieu-${i}`}>
                  {p.nom} ({p.commune})
                </label>
              </div>
            </div>
          ))}
          <div class="fr-fieldset__element">
            <div class="fr-radio-group">
              <input type="radio" id="lieu-aucun" name="lieu" value="" checked={!props.destination} />
              <label class="fr-label" for="lieu-aucun">
                Pas de lieu précis
              </label>
            </div>
          </div>
        </fieldset>
        <div class="fr-input-group">
          <label class="fr-label" for="note">
            Note pour le lieu (facultatif)
            <span class="fr-hint-text">
              Pas de nom, pas de numéro de dossier : seulement ce qui aide à recevoir la personne. 1 000 caractères au
              plus.
            </span>
          </label>
          <textarea class="fr-input" id="note" name="note" rows={4} maxlength={1000}>
            {props.orient.note}
          </textarea>
        </div>
        <button type="submit" class="fr-btn">
          Enregistrer le lieu et la note
        </button>
      </form>
    </section>
  );
}

export function ResultPage(props: ResultPageProps) {
  const { ctx, slip } = props;
  const { t } = ctx;
  const display = displaySlipCode(slip.code);
  const sms = `sms:?&body=${encodeURIComponent(t('fiche.sms_texte', { url: props.slipUrl, code: display }))}`;
  return (
    <>
      <TranslationNotice ctx={ctx} />
      <LanguageSwitch ctx={ctx} path={`/orientation/resultat/${display}`} />
      <h1>{t('resultat.titre')}</h1>
      <Level ctx={ctx} level={slip.level} />
      <Needs ctx={ctx} slip={slip} heading={t('resultat.besoins')} />
      {props.destination ? (
        <section>
          <h2>{t('resultat.lieu_choisi')}</h2>
          <PlaceCard
            ctx={ctx}
            place={props.destination}
            strengths={[]}
            hours={props.hours.get(props.destination.id)}
            heading="h3"
          />
        </section>
      ) : null}
      <section>
        <h2>{t('resultat.lieux', { lieu: slip.locationLabel })}</h2>
        {props.places.length === 0 ? (
          <p>{t('resultat.aucun_lieu', { lieu: slip.locationLabel })}</p>
        ) : (
          <>
            <p>{props.far ? t('resultat.lieux_loin') : t('resultat.lieux_intro')}</p>
            <ol class="pa-places">
              {props.places.map((r) => (
                <li>
                  <PlaceCard ctx={ctx} place={r.place} strengths={r.strengths} hours={props.hours.get(r.place.id)} />
                </li>
              ))}
            </ol>
          </>
        )}
      </section>
      <Bring ctx={ctx} items={props.itemsToBring} />
      <section>
        <h2>{t('fiche.titre')}</h2>
        <SlipBox ctx={ctx} slip={slip} qr={props.qr} />
        <ul class="fr-btns-group fr-btns-group--inline-sm pa-no-print">
          <li>
            <a class="fr-btn" href={`/orientation/fiche/${display}/imprimer`}>
              <Icon name="business/printer-line" class="pa-btn-icon" />
              {t('fiche.imprimer')}
            </a>
          </li>
          <li>
            <a class="fr-btn fr-btn--secondary" href={sms}>
              <Icon name="communication/chat-3-line" class="pa-btn-icon" />
              {t('fiche.sms')}
            </a>
          </li>
        </ul>
      </section>
      <OrientForm ctx={ctx} props={props} />
      <section class="fr-mt-4w pa-no-print">
        <p>{t('resultat.terminer_aide')}</p>
        <a class="fr-btn fr-btn--tertiary" href="/orientation">
          {t('resultat.terminer')}
        </a>
      </section>
    </>
  );
}

/** One A4 page: the slip to hand over or pin to a fridge. */
export function PrintableSlip(props: ResultPageProps) {
  const { ctx, slip } = props;
  const { t } = ctx;
  const places = props.destination ? [] : props.places.slice(0, 3);
  return (
    <div class="pa-fiche">
      <TranslationNotice ctx={ctx} />
      <LanguageSwitch ctx={ctx} path={`/orientation/fiche/${displaySlipCode(slip.code)}/imprimer`} />
      <h1>{t('fiche.titre')}</h1>
      <SlipBox ctx={ctx} slip={slip} qr={props.qr}>
        <p class="fr-text--sm fr-mb-0">{t('fiche.a_montrer')}</p>
      </SlipBox>
      <Level ctx={ctx} level={slip.level} />
      <Needs ctx={ctx} slip={slip} heading={t('resultat.besoins')} />
      {props.destination ? (
        <section>
          <h2>{t('resultat.lieu_choisi')}</h2>
          <PlaceCard ctx={ctx} place={props.destination} strengths={[]} hours={props.hours.get(props.destination.id)} />
        </section>
      ) : places.length > 0 ? (
        <section>
          <h2>{t('resultat.lieux', { lieu: slip.locationLabel })}</h2>
          <ol class="pa-places">
            {places.map((r) => (
              <li>
                <PlaceCard ctx={ctx} place={r.place} strengths={r.strengths} hours={props.hours.get(r.place.id)} />
              </li>
            ))}
          </ol>
        </section>
      ) : null}
      <Bring ctx={ctx} items={props.itemsToBring} />
      <p class="pa-no-print fr-mt-3w">
        <a
          class="fr-link fr-icon-arrow-left-line fr-link--icon-left"
          href={`/orientation/resultat/${displaySlipCode(slip.code)}`}
        >
          {t('resultat.titre')}
        </a>
      </p>
    </div>
  );
}

export interface SummaryPageProps {
  ctx: ViewContext;
  summary: PublicSummary;
  /** Signed-in professional: note and actions. */
  pro?: (ProfessionalView & { sessionFormUrl: string | undefined }) | undefined;
}

/** GET /orientation/fiche/{code}: level, needs, deadline, date — and for professionals, the rest. */
export function SummaryPage({ ctx, summary, pro }: SummaryPageProps) {
  const { t } = ctx;
  const display = displaySlipCode(summary.code);
  return (
    <>
      <TranslationNotice ctx={ctx} />
      <LanguageSwitch ctx={ctx} path={`/orientation/fiche/${display}`} />
      <h1>{t('resume.titre', { code: display })}</h1>
      {summary.expired ? (
        <div class="fr-alert fr-alert--warning fr-mb-3w">
          <p>{t('resume.expiree', { date: formatDate(ctx.lang, summary.expiresAt) })}</p>
        </div>
      ) : null}
      {summary.honouredAt ? (
        <div class="fr-alert fr-alert--success fr-mb-3w">
          <p>{t('resume.honoree', { date: formatDate(ctx.lang, summary.honouredAt) })}</p>
        </div>
      ) : null}
      <dl class="pa-summary">
        <dt class="fr-text--bold">{t('resume.niveau')}</dt>
        <dd>
          {t(`niveau.${summary.level}.nom`)}
          {pro ? (
            <p class="fr-text--sm" lang="fr">
              {t(`niveau.${summary.level}.pro`)}
            </p>
          ) : null}
        </dd>
        <dt class="fr-text--bold">{t('resume.besoins')}</dt>
        <dd>
          <ul>
            {summary.needs.map((n) => (
              <li>{needText(ctx, n, summary.procedure)}</li>
            ))}
          </ul>
        </dd>
        <dt class="fr-text--bold">{t('resume.delai')}</dt>
        <dd>{t(`resume.delai.${summary.deadline}`)}</dd>
        <dt class="fr-text--bold">{t('resume.date')}</dt>
        <dd>{formatDate(ctx.lang, summary.createdAt)}</dd>
        {summary.destinationName ? (
          <>
            <dt class="fr-text--bold">{t('resume.lieu')}</dt>
            <dd lang="fr">{summary.destinationName}</dd>
          </>
        ) : null}
      </dl>
      {pro ? <ProfessionalPart ctx={ctx} summary={summary} pro={pro} /> : null}
    </>
  );
}

function ProfessionalPart({
  ctx,
  summary,
  pro,
}: {
  ctx: ViewContext;
  summary: PublicSummary;
  pro: NonNullable<SummaryPageProps['pro']>;
}) {
  const display = displaySlipCode(summary.code);
  return (
    <section class="fr-mt-4w" lang="fr">
      <h2>Pour les professionnels</h2>
      {pro.note ? (
        <div class="fr-callout fr-mb-3w">
          <h3 class="fr-callout__title">Note de la structure qui oriente</h3>
          <p class="fr-callout__text" data-testid="note-fiche">
            {pro.note.note}
          </p>
        </div>
      ) : null}
      {pro.honourAs.length > 0 && !summary.honouredAt ? (
        <>
          {pro.sessionFormUrl ? (
            <>
              <p>
                La personne est venue ? Enregistrez l'accompagnement à partir de cette fiche : les thèmes sont déjà
                cochés et la fiche sera marquée « honorée ».
              </p>
              <ul class="fr-btns-group fr-btns-group--inline-sm">
                <li>
                  <a class="fr-btn" href={pro.sessionFormUrl}>
                    Enregistrer l'accompagnement
                  </a>
                </li>
              </ul>
            </>
          ) : (
            <p>La personne est venue ? Marquez la fiche « honorée » : l'orientation a abouti.</p>
          )}
          {pro.honourAs.map((o) => (
            <form method="post" action={`/orientation/fiche/${display}/honorer`} class="fr-mb-2w">
              <Hidden name="_csrf" value={ctx.csrfToken} />
              <Hidden name="organisation" value={o.id} />
              <button type="submit" class="fr-btn fr-btn--secondary">
                Marquer la fiche honorée pour {o.name}
              </button>
            </form>
          ))}
        </>
      ) : null}
      {pro.canOrient ? (
        <p>
          <a href={`/orientation/resultat/${display}#orienter`}>Choisir le lieu et écrire une note</a>
        </p>
      ) : null}
    </section>
  );
}

/** A form to type a slip code. */
export function SlipLookupPage({
  ctx,
  error,
  typed,
}: {
  ctx: ViewContext;
  error?: string | undefined;
  typed?: string | undefined;
}) {
  const { t } = ctx;
  return (
    <>
      <LanguageSwitch ctx={ctx} path="/orientation/fiche" />
      <h1>{t('resume.chercher')}</h1>
      <form method="get" action="/orientation/fiche">
        <div class={`fr-input-group${error ? ' fr-input-group--error' : ''}`}>
          <label class="fr-label" for="code">
            {t('resume.chercher_champ')}
            <span class="fr-hint-text" dir="ltr">
              XXXX-XXXX
            </span>
          </label>
          <input
            class={`fr-input${error ? ' fr-input--error' : ''}`}
            id="code"
            name="code"
            value={typed ?? ''}
            autocomplete="off"
            autocapitalize="characters"
            spellcheck={false}
            dir="ltr"
            aria-describedby={error ? 'code-erreur' : undefined}
          />
          {error ? (
            <p class="fr-error-text" id="code-erreur" lang="fr">
              {error}
            </p>
          ) : null}
        </div>
        <button type="submit" class="fr-btn">
          {t('resume.chercher_bouton')}
        </button>
      </form>
    </>
  );
}
