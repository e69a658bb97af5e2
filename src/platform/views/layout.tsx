/**
 * The page frame (DSFR): skip links, header with the operator's name, main, footer.
 * Every page is rendered server-side from a view model; text is escaped by default.
 */
import type { ComponentChildren } from 'preact';
import { render } from 'preact-render-to-string';
import type { AssetRegistry } from './assets.ts';

export type FlashKind = 'success' | 'info' | 'warning' | 'error';
export interface Flash {
  kind: FlashKind;
  message: string;
}

export interface PageContext {
  operatorName: string;
  stateBrand: boolean;
  assets: AssetRegistry;
  csrfToken: string;
  currentPath: string;
  actor?: { displayName: string; isPlatformAdmin: boolean } | undefined;
  flashes: Flash[];
}

export interface PageOptions {
  title: string;
  /** Scripts (progressive enhancement only) by logical asset name. */
  scripts?: string[];
  /** Full-width main area instead of the default readable column. */
  wide?: boolean;
  /** Adds noindex for pages that make no sense in a search engine. */
  noindex?: boolean;
  /** Language of the page's content (default fr); the header and footer stay French, marked so. */
  lang?: string;
  /** Right-to-left for Arabic pages. */
  dir?: 'ltr' | 'rtl';
  /** Extra stylesheets of a module by logical asset name ('orientation/orientation.css'). */
  stylesheets?: string[];
}

function Header({ ctx, lang }: { ctx: PageContext; lang: string | undefined }) {
  return (
    <header role="banner" class="fr-header" lang={lang}>
      <div class="fr-header__body">
        <div class="fr-container">
          <div class="fr-header__body-row">
            <div class="fr-header__brand fr-enlarge-link">
              <div class="fr-header__brand-top">
                {ctx.stateBrand ? (
                  <div class="fr-header__logo">
                    <p class="fr-logo">
                      République
                      <br />
                      Française
                    </p>
                  </div>
                ) : null}
              </div>
              <div class="fr-header__service">
                <a href="/" title={`Accueil — ${ctx.operatorName}`}>
                  <p class="fr-header__service-title">{ctx.operatorName}</p>
                </a>
                <p class="fr-header__service-tagline">De l'aide près de chez vous pour vos démarches en ligne</p>
              </div>
            </div>
            <div class="fr-header__tools">
              <div class="fr-header__tools-links">
                <ul class="fr-btns-group">
                  <li>
                    <a class="fr-btn fr-icon-map-pin-2-line" href="/lieux">
                      Trouver de l'aide
                    </a>
                  </li>
                  {ctx.actor ? (
                    <>
                      <li>
                        <a class="fr-btn fr-icon-account-circle-line" href="/espace">
                          Mon espace
                        </a>
                      </li>
                      <li>
                        <form method="post" action="/deconnexion" class="pa-inline-form">
                          <input type="hidden" name="_csrf" value={ctx.csrfToken} />
                          <button type="submit" class="fr-btn fr-icon-logout-box-r-line">
                            Se déconnecter
                          </button>
                        </form>
                      </li>
                    </>
                  ) : (
                    <li>
                      <a class="fr-btn fr-icon-lock-line" href="/connexion">
                        Espace professionnel
                      </a>
                    </li>
                  )}
                </ul>
              </div>
            </div>
          </div>
        </div>
      </div>
    </header>
  );
}

function Footer({ ctx, lang }: { ctx: PageContext; lang: string | undefined }) {
  return (
    <footer class="fr-footer" role="contentinfo" id="pied-de-page" lang={lang}>
      <div class="fr-container">
        <div class="fr-footer__body">
          <div class="fr-footer__brand fr-enlarge-link">
            <a href="/" title={`Accueil — ${ctx.operatorName}`}>
              {ctx.stateBrand ? (
                <p class="fr-logo">
                  République
                  <br />
                  Française
                </p>
              ) : (
                <p class="fr-h5 fr-mb-0">{ctx.operatorName}</p>
              )}
            </a>
          </div>
          <div class="fr-footer__content">
            <p class="fr-footer__content-desc">
              {ctx.operatorName} aide chacun à trouver un accompagnement humain pour ses démarches en ligne. Logiciel
              libre Passerelle.
            </p>
          </div>
        </div>
        <div class="fr-footer__bottom">
          <ul class="fr-footer__bottom-list">
            <li class="fr-footer__bottom-item">
              <a class="fr-footer__bottom-link" href="/accessibilite">
                Accessibilité : partiellement conforme
              </a>
            </li>
            <li class="fr-footer__bottom-item">
              <a class="fr-footer__bottom-link" href="/mentions-legales">
                Mentions légales
              </a>
            </li>
            <li class="fr-footer__bottom-item">
              <a class="fr-footer__bottom-link" href="/donnees-personnelles">
                Données personnelles
              </a>
            </li>
          </ul>
        </div>
      </div>
    </footer>
  );
}

const flashTitles: Record<FlashKind, string> = {
  success: 'C’est fait',
  info: 'Information',
  warning: 'Attention',
  error: 'Erreur',
};

export function FlashMessages({ flashes }: { flashes: Flash[] }) {
  if (flashes.length === 0) return null;
  return (
    <div class="fr-mb-4w pa-no-print">
      {flashes.map((f) => (
        <div
          class={`fr-alert fr-alert--${f.kind} fr-alert--sm fr-mb-2w`}
          role={f.kind === 'error' ? 'alert' : 'status'}
        >
          <p>
            <span class="fr-sr-only">{flashTitles[f.kind]} : </span>
            {f.message}
          </p>
        </div>
      ))}
    </div>
  );
}

export function renderPage(ctx: PageContext, options: PageOptions, body: ComponentChildren): string {
  const fullTitle = `${options.title} — ${ctx.operatorName}`;
  const lang = options.lang ?? 'fr';
  // The frame's own texts are French: say so when the page is in another language.
  const frameLang = lang === 'fr' ? undefined : 'fr';
  const html = render(
    <html lang={lang} dir={options.dir} data-fr-scheme="light">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{fullTitle}</title>
        {options.noindex ? <meta name="robots" content="noindex" /> : null}
        <meta name="theme-color" content="#000091" />
        <link rel="stylesheet" href={ctx.assets.url('app.css')} />
        {(options.stylesheets ?? []).map((s) => (
          <link rel="stylesheet" href={ctx.assets.url(s)} />
        ))}
        <link rel="icon" type="image/svg+xml" href={ctx.assets.url('favicon.svg')} />
        {(options.scripts ?? []).map((s) => (
          <script type="module" src={ctx.assets.url(s)} />
        ))}
      </head>
      <body>
        <div class="fr-skiplinks">
          <nav role="navigation" aria-label="Accès rapide" class="fr-container" lang={frameLang}>
            <ul class="fr-skiplinks__list">
              <li>
                <a class="fr-link" href="#contenu">
                  Contenu
                </a>
              </li>
              <li>
                <a class="fr-link" href="#pied-de-page">
                  Pied de page
                </a>
              </li>
            </ul>
          </nav>
        </div>
        <Header ctx={ctx} lang={frameLang} />
        <main id="contenu" role="main" tabindex={-1} class="fr-container fr-py-4w">
          <div class={options.wide ? '' : 'fr-grid-row'}>
            <div class={options.wide ? '' : 'fr-col-12 fr-col-lg-10'}>
              <FlashMessages flashes={ctx.flashes} />
              {body}
            </div>
          </div>
        </main>
        <Footer ctx={ctx} lang={frameLang} />
      </body>
    </html>,
  );
  return `<!doctype html>${html}`;
}
