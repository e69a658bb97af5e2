/** Pieces shared by the orientation pages: language switch, translation notice, icons. */
import { LANGUAGES, type Lang, TRANSLATIONS, type Translate } from '../i18n.ts';
import { iconSvg } from './icons.ts';

export interface ViewContext {
  lang: Lang;
  t: Translate;
  csrfToken: string;
}

/** A decorative DSFR icon, inline. */
export function Icon({ name, class: className }: { name: string; class: string }) {
  // The SVG comes from the DSFR package, never from input.
  return <span class={className} aria-hidden="true" dangerouslySetInnerHTML={{ __html: iconSvg(name) }} />;
}

/** Links to the same page in each language; works without JavaScript (?lang=…, kept in a cookie). */
export function LanguageSwitch({ ctx, path }: { ctx: ViewContext; path: string }) {
  return (
    <nav aria-label={ctx.t('langue.choisir')} class="pa-no-print">
      <ul class="pa-lang-switch">
        {LANGUAGES.map((lang) => (
          <li>
            <a
              href={`${path}?lang=${lang}`}
              lang={lang}
              hreflang={lang}
              aria-current={lang === ctx.lang ? 'true' : undefined}
            >
              {TRANSLATIONS[lang]['langue.nom']}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

/** English and Arabic are drafts until a native speaker reviews them: the page says so. */
export function TranslationNotice({ ctx }: { ctx: ViewContext }) {
  const text = ctx.t('avis_traduction');
  if (!text) return null;
  return (
    <div class="fr-notice fr-notice--info fr-mb-3w pa-no-print">
      <div class="fr-container">
        <div class="fr-notice__body">
          <p class="fr-notice__title">{text}</p>
        </div>
      </div>
    </div>
  );
}

export function ErrorSummary({ ctx, message }: { ctx: ViewContext; message: string | undefined }) {
  if (!message) return null;
  return (
    <div class="fr-alert fr-alert--error fr-mb-3w" role="alert" id="erreur">
      <h2 class="fr-alert__title">{ctx.t('erreur.titre')}</h2>
      <p>{message}</p>
    </div>
  );
}

export function Hidden({ name, value }: { name: string; value: string }) {
  return <input type="hidden" name={name} value={value} />;
}
