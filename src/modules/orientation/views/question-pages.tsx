/** The diagnostic's screens: the start page and one page per question. No JavaScript needed. */
import { QUESTIONS, type Question } from '../data.ts';
import { ErrorSummary, Hidden, Icon, LanguageSwitch, TranslationNotice, type ViewContext } from './common.tsx';

export function StartPage({
  ctx,
  organisations,
  chosenOrganisation,
}: {
  ctx: ViewContext;
  /** For a professional: the organisations in whose name they may run it with a person. */
  organisations: Array<{ id: string; name: string }>;
  chosenOrganisation?: { id: string; name: string } | undefined;
}) {
  const { t } = ctx;
  return (
    <>
      <TranslationNotice ctx={ctx} />
      <LanguageSwitch ctx={ctx} path="/orientation" />
      <h1>{t('accueil.titre')}</h1>
      <p class="fr-text--lead">{t('accueil.intro')}</p>
      <p>{t('accueil.anonyme')}</p>
      {chosenOrganisation ? (
        <p class="fr-text--bold">{t('accueil.avec_pro', { organisation: chosenOrganisation.name })}</p>
      ) : null}
      <form method="post" action="/orientation/commencer">
        <Hidden name="_csrf" value={ctx.csrfToken} />
        {chosenOrganisation ? <Hidden name="organisation" value={chosenOrganisation.id} /> : null}
        <button type="submit" class="fr-btn fr-btn--lg">
          {t('accueil.commencer')}
        </button>
      </form>
      {organisations.length > 0 && !chosenOrganisation ? (
        <section class="fr-mt-6w" lang="fr">
          <h2 class="fr-h5">Vous êtes avec une personne ?</h2>
          <p>
            Faites le questionnaire avec elle au nom de votre structure : vous pourrez ensuite choisir le lieu où
            l'envoyer et laisser une note pour ce lieu.
          </p>
          <ul class="fr-btns-group fr-btns-group--inline-sm">
            {organisations.map((o) => (
              <li>
                <a class="fr-btn fr-btn--secondary" href={`/orientation?organisation=${o.id}`}>
                  Orienter au nom de {o.name}
                </a>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}

export interface QuestionPageProps {
  ctx: ViewContext;
  question: Question;
  diagnosticId: string;
  /** The answer already given (when coming back), to show it. */
  current: string | string[] | undefined;
  error?: string | undefined;
  /** What the person typed (commune question). */
  typed?: string | undefined;
  /** Communes to choose from when the name is shared by several. */
  candidates?: Array<{ label: string; value: string }> | undefined;
}

function Progress({ ctx, question }: { ctx: ViewContext; question: Question }) {
  const index = QUESTIONS.indexOf(question);
  const next = QUESTIONS[index + 1];
  return (
    <div class="fr-stepper">
      <p class="fr-stepper__title">
        <span class="fr-stepper__state">{ctx.t('progression', { n: index + 1, total: QUESTIONS.length })}</span>
      </p>
      <div
        class="fr-stepper__steps"
        data-fr-current-step={String(index + 1)}
        data-fr-steps={String(QUESTIONS.length)}
      />
      {next ? (
        <p class="fr-stepper__details">
          {ctx.t('progression.suivante', { titre: ctx.t(`question.${next.id}.titre`) })}
        </p>
      ) : null}
    </div>
  );
}

function Navigation({ ctx, question }: { ctx: ViewContext; question: Question }) {
  const index = QUESTIONS.indexOf(question);
  const previous = QUESTIONS[index - 1];
  return (
    <div class="pa-question-nav">
      {previous ? (
        <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={`/orientation/question/${previous.id}`}>
          {ctx.t('retour')}
        </a>
      ) : null}
      <form method="post" action="/orientation/recommencer" class="pa-inline-form">
        <Hidden name="_csrf" value={ctx.csrfToken} />
        <button type="submit" class="fr-btn fr-btn--tertiary-no-outline fr-btn--sm">
          {ctx.t('recommencer')}
        </button>
      </form>
    </div>
  );
}

function SingleChoice({ ctx, question, current }: QuestionPageProps) {
  if (question.type !== 'single') return null;
  const grid = question.options.length > 4;
  return (
    <ul class={`pa-choices${grid ? ' pa-choices--grid' : ''}`}>
      {question.options.map((o) => {
        const chosen = current === o.value;
        return (
          <li>
            <button
              type="submit"
              name="reponse"
              value={o.value}
              class={`pa-choice${chosen ? ' pa-choice--chosen' : ''}`}
            >
              <Icon name={o.icon} class="pa-choice__icon" />
              <span class="pa-choice__label">
                {ctx.t(`option.${question.id}.${o.value}`)}
                {chosen ? <span class="pa-choice__chosen">({ctx.t('votre_reponse')})</span> : null}
              </span>
            </button>
          </li>
        );
      })}
    </ul>
  );
}

function MultipleChoice({ ctx, question, current }: QuestionPageProps) {
  if (question.type !== 'multiple') return null;
  const ticked = Array.isArray(current) ? current : [];
  return (
    <fieldset class="fr-fieldset" aria-labelledby="question-titre question-aide">
      <ul class="pa-choices">
        {question.options.map((o) => (
          <li>
            <label class="pa-check" for={`reponse-${o.value}`}>
              <input
                type="checkbox"
                name="reponse"
                value={o.value}
                id={`reponse-${o.value}`}
                checked={ticked.includes(o.value)}
              />
              <Icon name={o.icon} class="pa-check__icon" />
              <span>{ctx.t(`option.${question.id}.${o.value}`)}</span>
            </label>
          </li>
        ))}
      </ul>
      <ul class="pa-choices">
        <li>
          <button type="submit" class="fr-btn fr-btn--lg">
            {ctx.t('continuer')}
          </button>
        </li>
        <li>
          <button
            type="submit"
            name="reponse"
            value={question.none.value}
            class={`pa-choice${ticked.includes(question.none.value) ? ' pa-choice--chosen' : ''}`}
          >
            <Icon name={question.none.icon} class="pa-choice__icon" />
            <span class="pa-choice__label">{ctx.t(`option.${question.id}.${question.none.value}`)}</span>
          </button>
        </li>
      </ul>
    </fieldset>
  );
}

function CommuneQuestion({ ctx, typed, candidates, error }: QuestionPageProps) {
  const { t } = ctx;
  return (
    <>
      {candidates && candidates.length > 0 ? (
        <fieldset class="fr-fieldset" aria-labelledby="choix-commune">
          <legend class="fr-fieldset__legend" id="choix-commune">
            {t('lieu.quelle_commune')}
          </legend>
          <ul class="pa-choices">
            {candidates.map((c) => (
              <li>
                <button type="submit" name="commune" value={c.value} class="pa-choice">
                  <Icon name="map/map-pin-2-line" class="pa-choice__icon" />
                  <span class="pa-choice__label" lang="fr">
                    {c.label}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </fieldset>
      ) : null}
      <div class={`fr-input-group${error ? ' fr-input-group--error' : ''}`}>
        <label class="fr-label" for="commune">
          {t('lieu.champ')}
          <span class="fr-hint-text">{t('lieu.exemple')}</span>
        </label>
        <input
          class={`fr-input${error ? ' fr-input--error' : ''}`}
          type="text"
          id="commune"
          name="commune"
          autocomplete="address-level2"
          value={typed ?? ''}
          aria-describedby={error ? 'erreur' : undefined}
          dir="auto"
        />
      </div>
      <input type="hidden" name="latitude" value="" />
      <input type="hidden" name="longitude" value="" />
      <ul class="fr-btns-group fr-btns-group--inline-sm">
        <li>
          <button type="submit" class="fr-btn fr-btn--lg">
            {t('lieu.voir_resultat')}
          </button>
        </li>
        <li>
          <button
            type="button"
            class="fr-btn fr-btn--secondary"
            id="utiliser-ma-position"
            data-attente={t('lieu.position_attente')}
            data-erreur={t('lieu.position_erreur')}
            hidden
          >
            <Icon name="map/map-pin-2-line" class="pa-btn-icon" />
            {t('lieu.position')}
          </button>
        </li>
      </ul>
      <p id="position-statut" class="fr-hint-text" role="status" />
    </>
  );
}

export function QuestionPage(props: QuestionPageProps) {
  const { ctx, question } = props;
  const { t } = ctx;
  return (
    <>
      <TranslationNotice ctx={ctx} />
      <LanguageSwitch ctx={ctx} path={`/orientation/question/${question.id}`} />
      <Progress ctx={ctx} question={question} />
      <ErrorSummary ctx={ctx} message={props.error} />
      <form method="post" action={`/orientation/question/${question.id}`} novalidate>
        <Hidden name="_csrf" value={ctx.csrfToken} />
        <Hidden name="diagnostic" value={props.diagnosticId} />
        <h1 id="question-titre">{t(`question.${question.id}.titre`)}</h1>
        <p id="question-aide">{t(`question.${question.id}.aide`)}</p>
        {question.type === 'single' ? <SingleChoice {...props} /> : null}
        {question.type === 'multiple' ? <MultipleChoice {...props} /> : null}
        {question.type === 'commune' ? <CommuneQuestion {...props} /> : null}
      </form>
      <Navigation ctx={ctx} question={question} />
    </>
  );
}

/** The diagnostic is over or was restarted: nothing was recorded; start again. */
export function SessionGonePage({ ctx }: { ctx: ViewContext }) {
  return (
    <>
      <TranslationNotice ctx={ctx} />
      <ErrorSummary ctx={ctx} message={ctx.t('erreur.session')} />
      <form method="post" action="/orientation/commencer">
        <Hidden name="_csrf" value={ctx.csrfToken} />
        <button type="submit" class="fr-btn fr-btn--lg">
          {ctx.t('accueil.commencer')}
        </button>
      </form>
    </>
  );
}
