/**
 * Professionals' pages that had no check on a 320 px phone (issue 13): a helper's and a
 * structure's support statistics, the session list and the session edit form (support); the
 * mandate creation journey and the habilitation pages (mandates). Each page, in a real browser
 * at 320 px: what it says is visible, nothing is wider than the screen, cut off or to be scrolled
 * sideways, and axe finds nothing. Screenshots go to
 * var/screenshots/pro-320/.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import * as OTPAuth from 'otpauth';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  confirmSecondFactorEnrolment,
  startSecondFactorEnrolment,
} from '../../src/modules/accounts/enrol-second-factor.ts';
import { loadUser } from '../../src/modules/accounts/index.ts';
import { findUserByEmail, upsertMembership } from '../../src/modules/accounts/repository.ts';
import { assignPlace, importCommunes, importPlaces } from '../../src/modules/lieux/index.ts';
import { habilitateStructure, recordHelperTraining } from '../../src/modules/mandates/habilitations.ts';
import { createPartner } from '../../src/modules/mandates/partners.ts';
import { seedSupportDemo } from '../../src/modules/support/index.ts';
import { commandLineActor } from '../../src/platform/auth/actor.ts';
import { Audit, launchBrowser, type RunningApp, shown, startApp, textOf } from '../support/e2e.ts';
import { makeActor, makeOrganisation, makePerson } from '../support/factories.ts';

const shots = path.resolve('var/screenshots/pro-320');
const PASSWORD = 'une phrase de passe solide';
const audit = new Audit();
let server: RunningApp;
let browser: Browser;
let secret: string;
let adminSecret: string;
const ids = { structure: '' };

const communes = [
  'Code_commune_INSEE;Nom_commune;Code_postal;Ligne_5;Libellé_d_acheminement;coordonnees_gps',
  '83137;TOULON;83000;;TOULON;43.1361589728,5.93239634249',
].join('\n');
const places = [
  'id,pivot,nom,commune,code_postal,code_insee,adresse,latitude,longitude,date_maj,services',
  'mourillon,73282932000074,Centre social du Mourillon,Toulon,83000,83137,12 rue Lamalgue,43.1129,5.9433,2026-10-01,Aide aux démarches administratives',
].join('\n');

/** The next second-factor code (the server's clock stands still: each code is its next step). */
function code(of = secret): string {
  server.clock.advance(30_000);
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(of) }).generate({
    timestamp: server.clock.now().getTime(),
  });
}

async function signIn(email: string, next = '/espace'): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 320, height: 640 } });
  const page = await context.newPage();
  page.setDefaultTimeout(8_000);
  page.on('pageerror', (e) => {
    throw e;
  });
  await page.goto(`${server.url}/connexion?retour=${encodeURIComponent(next)}`);
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  return { context, page };
}

/**
 * What a person on a 320 px screen cannot read at once: the page wider than the screen, an
 * element sticking out of it, content cut by a box that hides what overflows, a frame that must be
 * scrolled sideways (a DSFR table wider than the screen), a chart's text cut by its drawing, a
 * word cut across two lines. Every disclosure is opened first.
 */
async function overflows(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    for (const d of document.querySelectorAll('details')) d.open = true;
    const width = document.documentElement.clientWidth;
    const problems: string[] = [];
    if (document.documentElement.scrollWidth > width)
      problems.push(`la page fait ${document.documentElement.scrollWidth} px de large pour ${width} px`);
    const nameOf = (el: Element) =>
      `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${typeof el.className === 'string' && el.className ? `.${el.className.trim().split(/\s+/).join('.')}` : ''}`;
    const scrollerOf = (el: Element): Element | null => {
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        const o = getComputedStyle(p).overflowX;
        if (o === 'auto' || o === 'scroll') return p;
      }
      return null;
    };
    // Inside a box of 1 px that hides what overflows (« fr-sr-only »): for screen readers only.
    const insideVisuallyHidden = (el: Element): boolean => {
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        const r = p.getBoundingClientRect();
        if ((r.width <= 1 || r.height <= 1) && getComputedStyle(p).overflow !== 'visible') return true;
      }
      return false;
    };
    for (const el of document.body.querySelectorAll<HTMLElement>('*')) {
      const box = el.getBoundingClientRect();
      if (box.width <= 1 || box.height <= 1) continue; // visually hidden text for screen readers
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden' || style.display === 'none') continue;
      if (el.closest('[aria-hidden="true"]') || insideVisuallyHidden(el)) continue;
      const scrolls = style.overflowX === 'auto' || style.overflowX === 'scroll';
      const clips = style.overflowX === 'hidden' || style.overflowX === 'clip';
      if (scrolls && el.scrollWidth > el.clientWidth + 1)
        problems.push(
          `« ${el.getAttribute('aria-label') ?? nameOf(el)} » défile de côté (${el.scrollWidth} px dans ${el.clientWidth} px)`,
        );
      else if (clips && el.scrollWidth > el.clientWidth + 1)
        problems.push(`${nameOf(el)} coupe son contenu (« ${(el.innerText ?? '').slice(0, 40)} »)`);
      else if ((box.right > width + 1 || box.left < -1) && scrollerOf(el) === null)
        problems.push(`${nameOf(el)} dépasse l'écran (${Math.round(box.left)} à ${Math.round(box.right)} px)`);
    }
    // A word cut across two lines (« accompagnement / s »): unreadable at a glance.
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      if (!parent || parent.closest('svg, script, style, [aria-hidden="true"]')) continue;
      if (parent.getBoundingClientRect().width <= 1) continue;
      for (const m of (node.textContent ?? '').matchAll(/[^\s\-/’'(),.:;«»]{4,}/g)) {
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
        if (tops.size > 1) problems.push(`le mot « ${m[0]} » est coupé sur deux lignes (${nameOf(parent)})`);
      }
    }
    for (const text of document.querySelectorAll('svg text')) {
      const svg = (text as SVGTextElement).ownerSVGElement?.getBoundingClientRect();
      const box = text.getBoundingClientRect();
      if (svg && box.width > 0 && (box.right > svg.right + 1 || box.left < svg.left - 1))
        problems.push(`le texte « ${text.textContent} » du graphique est coupé`);
    }
    return problems;
  });
}

/** Fits the 320 px screen, passes axe; a screenshot of the whole page. */
async function checkPage(page: Page, shot: string): Promise<void> {
  await audit.check(page);
  expect(await overflows(page), `${page.url()} at 320 px`).toEqual([]);
  await page.screenshot({ path: path.join(shots, `${shot}.png`), fullPage: true });
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  server = await startApp();
  const db = server.db;
  const deps = { db, clock: server.clock.now };
  await importCommunes(deps, commandLineActor, Buffer.from(communes), 'communes.csv');
  await importPlaces(deps, commandLineActor, Buffer.from(places), { fileName: 'lieux.csv', dryRun: false });
  const coordination = await makeOrganisation(db, 'Département du Var', 'collectivite', {
    departements: ['83'],
    communes: [],
  });
  ids.structure = await makeOrganisation(db, 'Centre social du Mourillon', 'association', {
    departements: [],
    communes: ['83137'],
  });
  await assignPlace(deps, commandLineActor, 'mourillon', ids.structure, async () => true);
  await makePerson(db, 'camille@mourillon.fr', PASSWORD, [{ organisationId: ids.structure, role: 'aidant' }]);
  await makePerson(db, 'direction@mourillon.fr', PASSWORD, [{ organisationId: ids.structure, role: 'responsable' }]);
  await makePerson(db, 'habilitations@var.fr', PASSWORD, [{ organisationId: coordination, role: 'coordinateur' }]);
  const camille = (await findUserByEmail(db, 'camille@mourillon.fr'))?.id as string;
  await upsertMembership(db, {
    userId: camille,
    organisationId: ids.structure,
    role: 'aidant',
    canActOnBehalf: true,
  });

  // Six months of sessions by the helper, a dozen people followed.
  const loaded = await loadUser(db, camille);
  if (!loaded) throw new Error('helper not loaded');
  await seedSupportDemo(
    deps,
    [{ userId: camille, organisationId: ids.structure, departement: '83', sessions: 300 }],
    [
      {
        people: { ...deps, secretKey: server.config.secretKey },
        actor: { ...loaded.actor, sessionId: 'demo' },
        organisationId: ids.structure,
        count: 12,
      },
    ],
  );

  // The helper has a second factor, the structure is habilitated and the helper trained.
  const accountDeps = { db, clock: server.clock.now, secretKey: server.config.secretKey, operatorName: 'Passerelle' };
  const enrolment = await startSecondFactorEnrolment(accountDeps, camille);
  secret = enrolment.secret;
  const earlier = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate({
    timestamp: Date.now() - 60_000,
  });
  server.clock.set(new Date(Date.now() - 60_000));
  await confirmSecondFactorEnrolment(accountDeps, camille, { code: earlier }, enrolment.pending);
  server.clock.set(new Date());
  const coordinator = await makeActor(db, [{ organisationId: coordination, role: 'coordinateur' }]);
  const ref = { id: ids.structure, territory: { departements: [], communes: ['83137'] } };
  await habilitateStructure({ db, clock: server.clock.now }, coordinator, ref, {
    reference: 'HAB-83-042',
    families: ['social', 'logement', 'famille'],
    startsOn: '2026-01-01',
  });
  await recordHelperTraining(
    { db, clock: server.clock.now },
    coordinator,
    ref,
    { userId: camille, canActOnBehalf: true },
    { trainedOn: '2026-02-01' },
  );
  // A platform administrator (with a second factor) and one partner service registered.
  await makePerson(db, 'plateforme@passerelle.fr', PASSWORD, [{ organisationId: coordination, role: 'responsable' }]);
  const platformAdmin = (await findUserByEmail(db, 'plateforme@passerelle.fr'))?.id as string;
  await db.query('UPDATE users SET is_platform_admin = true WHERE id = $1', [platformAdmin]);
  const adminEnrolment = await startSecondFactorEnrolment(accountDeps, platformAdmin);
  adminSecret = adminEnrolment.secret;
  server.clock.set(new Date(Date.now() - 60_000));
  await confirmSecondFactorEnrolment(
    accountDeps,
    platformAdmin,
    {
      code: new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(adminSecret) }).generate({
        timestamp: Date.now() - 60_000,
      }),
    },
    adminEnrolment.pending,
  );
  server.clock.set(new Date());
  const admin = (await loadUser(db, platformAdmin))?.actor;
  await createPartner(
    { db, clock: server.clock.now, secretKey: server.config.secretKey },
    admin && { ...admin, sessionId: 'test' },
    {
      clientId: 'caisse-allocations-familiales-du-var',
      name: 'Caisse d’allocations familiales du Var — espace des allocataires',
      authMethod: 'client_secret_post',
      redirectUris: 'https://espace-allocataires.caf-var.exemple.fr/connexion/passerelle/retour',
      families: ['social', 'famille', 'logement'],
    },
    { allowHttpLocal: false },
  );
  browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('support pages at 320 px', () => {
  it('shows a helper their statistics, their sessions, and lets them edit one', async () => {
    const { context, page } = await signIn('camille@mourillon.fr', '/accompagnements/statistiques');
    await page.getByLabel('Code à 6 chiffres').fill(code());
    await page.getByRole('button', { name: 'Valider' }).click();
    await shown(page.getByRole('heading', { name: 'Mes statistiques', level: 1 }));
    await shown(page.getByText('Les séances que vous avez enregistrées.'));
    await shown(page.getByRole('heading', { name: 'En bref' }));
    await shown(page.getByRole('heading', { name: 'Ce que l’aide a permis' }));
    await shown(page.getByRole('button', { name: 'Exporter mes séances (CSV)' }));
    await checkPage(page, 'statistiques-aidant');

    // A session recorded now, then found in the list and edited.
    await page.goto(`${server.url}/accompagnements/nouveau`);
    await page.getByLabel('Prendre en main du matériel').check({ force: true });
    await page.getByLabel('Téléphone', { exact: true }).check({ force: true });
    await page.getByLabel('45 min').check({ force: true });
    await page.getByRole('button', { name: 'Enregistrer la séance' }).click();
    await page.waitForURL(/\/accompagnements$/);
    await shown(page.getByText('Séance enregistrée. Merci !'));
    const table = page.getByRole('table', { name: 'Mes séances' });
    await shown(table.getByText('45 min').first());
    await shown(page.getByText(/Vous pouvez modifier ou supprimer une séance pendant 7 jours/));
    await checkPage(page, 'seances-liste');

    const recorded = (
      await server.db.query<{ id: string }>(
        'SELECT id FROM support_sessions WHERE NOT is_demo ORDER BY created_at DESC LIMIT 1',
      )
    )[0]?.id as string;
    await table.locator(`a[href="/accompagnements/${recorded}/modifier"]`).click();
    await shown(page.getByRole('heading', { name: 'Modifier une séance', level: 1 }));
    // A session opens with its duration as the choice it was made with: « 45 min » checked.
    expect(await page.getByLabel('45 min').isChecked()).toBe(true);
    expect(await page.getByLabel('Autre durée', { exact: true }).isChecked()).toBe(false);
    expect(await page.getByLabel('Autre durée, en minutes').inputValue()).toBe('');
    await shown(page.getByText('45 min', { exact: true }));
    await checkPage(page, 'seance-modifier');
    await page.getByLabel('1 h', { exact: true }).check({ force: true });
    await page.getByRole('button', { name: /Enregistrer/ }).click();
    await page.waitForURL(/\/accompagnements$/);
    await shown(page.getByRole('table', { name: 'Mes séances' }).getByText('60 min').first());
    await context.close();
  }, 420_000);

  it('gives back what was typed when a NUL byte is refused, and resends it without', async () => {
    const { context, page } = await signIn('camille@mourillon.fr', '/accompagnements/nouveau');
    await page.getByLabel('Code à 6 chiffres').fill(code());
    await page.getByRole('button', { name: 'Valider' }).click();
    await shown(page.getByRole('heading', { name: 'Enregistrer un accompagnement', level: 1 }));
    await page.getByLabel('Prendre en main du matériel').check({ force: true });
    await page.getByLabel('Téléphone', { exact: true }).check({ force: true });
    await page.getByLabel('30 min').check({ force: true });
    // Pasted from a PDF: a NUL byte inside the notes (no keyboard types one).
    await page.getByLabel('Notes (facultatif)').fill('Dossier CAF à finir');
    await page.getByLabel('Notes (facultatif)').evaluate((el) => {
      (el as HTMLTextAreaElement).value = `${(el as HTMLTextAreaElement).value}\u0000 la semaine prochaine`;
    });
    await page.getByRole('button', { name: 'Enregistrer la séance' }).click();
    await shown(page.getByRole('heading', { name: 'Demande incorrecte', level: 1 }));
    await shown(page.getByText('Le champ « notes » contient un caractère invalide (octet nul)'));
    await shown(page.getByText('Dossier CAF à finir la semaine prochaine'));
    await checkPage(page, 'octet-nul-saisie-conservee');
    await page.getByRole('button', { name: 'Renvoyer sans le caractère invalide' }).click();
    await page.waitForURL(/\/accompagnements$/);
    await shown(page.getByText('Séance enregistrée. Merci !'));
    const [row] = await server.db.query<{ notes: string }>(
      'SELECT notes FROM support_sessions WHERE NOT is_demo ORDER BY created_at DESC LIMIT 1',
    );
    expect(row?.notes).toBe('Dossier CAF à finir la semaine prochaine');
    await context.close();
  }, 240_000);

  it('shows a responsable the structure’s statistics', async () => {
    const { context, page } = await signIn(
      'direction@mourillon.fr',
      `/accompagnements/statistiques/structure/${ids.structure}`,
    );
    await shown(page.getByRole('heading', { name: 'Statistiques de Centre social du Mourillon', level: 1 }));
    await shown(page.getByText('Toutes les séances enregistrées par les aidants de la structure.'));
    await shown(page.getByRole('heading', { name: 'Activité' }));
    await shown(page.getByRole('button', { name: 'Exporter les séances de la structure (CSV, sans les notes)' }));
    await checkPage(page, 'statistiques-structure');
    await context.close();
  }, 420_000);
});

describe('mandates pages at 320 px', () => {
  it('takes a helper through a mandate’s creation on a phone', async () => {
    const { context, page } = await signIn('camille@mourillon.fr', '/mandats');
    await page.getByLabel('Code à 6 chiffres').fill(code());
    await page.getByRole('button', { name: 'Valider' }).click();
    expect(await textOf(page.getByTestId('structure-courante'))).toContain('Centre social du Mourillon');
    await checkPage(page, 'mandats-aidant');

    await page.getByRole('link', { name: 'Nouveau mandat' }).click();
    await shown(page.getByRole('heading', { level: 1 }));
    await shown(page.getByText('Social - Santé'));
    await checkPage(page, 'mandat-nouveau');
    await page.getByText('Social - Santé').click();
    await page.getByText('Logement', { exact: true }).click();
    await page.getByText('6 mois').click();
    await page.getByRole('button', { name: /Identifier la personne/ }).click();
    await shown(page.getByRole('heading', { name: 'FranceConnect de développement' }));
    await checkPage(page, 'mandat-franceconnect-dev');
    await page.getByRole('button', { name: 'Angela Claire Louise DUBOIS' }).click();
    expect(await textOf(page.getByTestId('personne-identifiee'))).toContain('Angela Claire Louise DUBOIS');
    await shown(page.getByText("J'ai informé la personne"));
    await checkPage(page, 'mandat-confirmer');
    await page.getByText("J'ai informé la personne").click();
    await page.getByLabel('Votre code de double authentification').fill(code());
    await page.getByRole('button', { name: 'Créer le mandat' }).click();
    expect(await textOf(page.getByTestId('etat-mandat'))).toContain('Valide jusqu');
    await shown(page.getByRole('link', { name: /Imprimer l'attestation/ }));
    await checkPage(page, 'mandat-cree');
    await context.close();
  }, 420_000);

  it('shows a coordinateur the habilitations of the territory and one structure’s', async () => {
    const { context, page } = await signIn('habilitations@var.fr', '/mandats/habilitations');
    await shown(page.getByRole('heading', { name: 'Habilitations aux mandats', level: 1 }));
    await shown(page.getByText(/habilitée \(HAB-83-042\)/));
    await checkPage(page, 'habilitations-liste');
    await page.getByRole('link', { name: 'Centre social du Mourillon' }).click();
    await shown(page.getByRole('heading', { level: 1, name: /Centre social du Mourillon/ }));
    await shown(page.getByText('HAB-83-042').first());
    await checkPage(page, 'habilitation-structure');
    await context.close();
  }, 420_000);
});

describe('partner services administration at 320 px', () => {
  it('shows the platform administrator the list, the registration form and its errors', async () => {
    const { context, page } = await signIn('plateforme@passerelle.fr', '/admin/services-partenaires');
    await page.getByLabel('Code à 6 chiffres').fill(code(adminSecret));
    await page.getByRole('button', { name: 'Valider' }).click();
    await shown(page.getByRole('heading', { name: 'Services partenaires', level: 1 }));
    const list = page.getByTestId('services-partenaires');
    await shown(list.getByRole('link', { name: 'Caisse d’allocations familiales du Var — espace des allocataires' }));
    await shown(list.getByText('caisse-allocations-familiales-du-var'));
    await checkPage(page, 'services-partenaires-liste');

    await page.getByRole('link', { name: 'Enregistrer un service' }).click();
    await shown(page.getByRole('heading', { name: 'Enregistrer un service partenaire', level: 1 }));
    await shown(page.getByLabel('Identifiant du service (client_id)'));
    await shown(page.getByLabel('Adresses de retour après connexion (redirect_uris)'));
    await shown(page.getByRole('button', { name: 'Enregistrer le service' }));
    await checkPage(page, 'service-partenaire-nouveau');

    // A form sent with mistakes: every error is shown, on the phone, next to its field.
    await page.getByLabel('Identifiant du service (client_id)').fill('Mon Service');
    await page.getByLabel('Nom du service').fill('Mairie de Toulon');
    await page.getByText(/^client_secret_post/).click();
    await page
      .getByLabel('Adresses de retour après connexion (redirect_uris)')
      .fill('https://demarches.toulon.exemple.fr/retour\nhttps://autre-hote.exemple.fr/retour');
    await page.getByRole('button', { name: 'Enregistrer le service' }).click();
    await shown(page.getByRole('heading', { name: 'Enregistrer un service partenaire', level: 1 }));
    await shown(page.getByText('De 3 à 64 caractères : minuscules, chiffres, « . _ - ».').last());
    await shown(page.getByText("doivent être sur le même nom d'hôte").last());
    await shown(page.getByText('Choisissez au moins une famille de démarches.').last());
    await checkPage(page, 'service-partenaire-erreurs');

    // Corrected, it is registered and its secret shown once, still within the screen.
    await page.getByLabel('Identifiant du service (client_id)').fill('mairie-toulon');
    await page
      .getByLabel('Adresses de retour après connexion (redirect_uris)')
      .fill('https://demarches.toulon.exemple.fr/retour');
    await page.getByText('Papiers - Citoyenneté - Élections').click();
    await page.getByRole('button', { name: 'Enregistrer le service' }).click();
    // The secret, copied as a person would select it: its 43 characters, nothing added by the line breaks.
    expect(await textOf(page.getByTestId('secret-partenaire'))).toMatch(/^[\w-]{43}$/);
    await shown(page.getByText(/affiché une seule fois/).first());
    await checkPage(page, 'service-partenaire-secret');
    await context.close();
  }, 420_000);
});

describe('accessibility', () => {
  it('every page checked at 320 px above also passes axe', () => {
    expect(audit.visited.length).toBeGreaterThanOrEqual(10);
    expect(audit.violations).toEqual([]);
  });
});
