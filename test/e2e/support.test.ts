/**
 * Accompagnements in a real browser, on a 320 px screen without JavaScript: a returning helper
 * records a typical individual session with the keyboard in few interactions (counted: a key
 * press or click that acts, a field typed into, a submit — moving focus does not count), the
 * pages never wider than the screen, axe clean; and a coordinateur's territory statistics.
 * Screenshots go to docs/screenshots/support/.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadUser } from '../../src/modules/accounts/index.ts';
import { assignPlace, importCommunes, importPlaces } from '../../src/modules/lieux/index.ts';
import { seedSupportDemo } from '../../src/modules/support/index.ts';
import { commandLineActor } from '../../src/platform/auth/actor.ts';
import { launchBrowser, type RunningApp, shown, snapshotViolations, startApp } from '../support/e2e.ts';
import { makeOrganisation, makePerson } from '../support/factories.ts';

const shots = path.resolve('docs/screenshots/support');
const PASSWORD = 'une phrase de passe solide';
let server: RunningApp;
let browser: Browser;

const communes = [
  'Code_commune_INSEE;Nom_commune;Code_postal;Ligne_5;Libellé_d_acheminement;coordonnees_gps',
  '83137;TOULON;83000;;TOULON;43.1361589728,5.93239634249',
].join('\n');
const places = [
  'id,pivot,nom,commune,code_postal,code_insee,adresse,latitude,longitude,date_maj,services',
  'e2e-port,73282932000074,Médiathèque du Port,Toulon,83000,83137,1 quai Cronstadt,43.1205,5.9350,2026-10-01,Aide aux démarches administratives',
].join('\n');

async function signIn(email: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 320, height: 640 } });
  const page = await context.newPage();
  await page.goto(`${server.url}/connexion`);
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL(/\/espace/);
  return { context, page };
}

async function widthOf(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth);
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  server = await startApp();
  // Tuesday 10 November 2026, 10:00 in Paris.
  server.clock.set(new Date('2026-11-10T09:00:00Z'));
  const deps = { db: server.db, clock: server.clock.now };
  await importCommunes(deps, commandLineActor, Buffer.from(communes), 'communes.csv');
  await importPlaces(deps, commandLineActor, Buffer.from(places), { fileName: 'lieux.csv', dryRun: false });
  const mediatheque = await makeOrganisation(server.db, 'Médiathèque du Port', 'association', {
    departements: [],
    communes: ['83137'],
  });
  const coordination = await makeOrganisation(server.db, 'Département du Var', 'collectivite', {
    departements: ['83'],
    communes: [],
  });
  await assignPlace(deps, commandLineActor, 'e2e-port', mediatheque, async () => true);
  await makePerson(server.db, 'aidant@mediatheque.fr', PASSWORD, [{ organisationId: mediatheque, role: 'aidant' }]);
  await makePerson(server.db, 'collegue@mediatheque.fr', PASSWORD, [{ organisationId: mediatheque, role: 'aidant' }]);
  await makePerson(server.db, 'coordination@var.fr', PASSWORD, [
    { organisationId: coordination, role: 'coordinateur' },
  ]);
  const colleague = await server.db.query<{ id: string }>(
    "SELECT id FROM users WHERE email = 'collegue@mediatheque.fr'",
  );
  const loaded = await loadUser(server.db, colleague[0]?.id as string);
  if (!loaded) throw new Error('colleague not loaded');
  await seedSupportDemo(
    deps,
    [{ userId: colleague[0]?.id as string, organisationId: mediatheque, departement: '83', sessions: 400 }],
    [
      {
        people: { ...deps, secretKey: server.config.secretKey },
        actor: { ...loaded.actor, sessionId: 'demo' },
        organisationId: mediatheque,
        count: 12,
      },
    ],
  );
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('recording a session', () => {
  it('takes a returning helper at most 6 interactions, with the keyboard, at 320 px without JavaScript', async () => {
    const { context, page } = await signIn('aidant@mediatheque.fr');
    const violations: string[] = [];
    // A first session, so that the helper is « returning »: the place, duration and device are remembered.
    await page.goto(`${server.url}/accompagnements/nouveau`);
    // DSFR draws its own boxes over the inputs: the label is what a person clicks.
    await page.getByLabel('Prendre en main du matériel').check({ force: true });
    await page.getByLabel('Téléphone', { exact: true }).check({ force: true });
    await page.getByLabel('45 min').check({ force: true });
    await page.getByRole('button', { name: 'Enregistrer la séance' }).click();
    await page.waitForURL(/\/accompagnements$/);

    // The fast path, counted. Focusing is free; each key press that acts counts one.
    let interactions = 0;
    const press = async (locator: ReturnType<Page['locator']>, key: string) => {
      await locator.focus();
      await page.keyboard.press(key);
      interactions++;
    };
    await press(page.getByRole('link', { name: 'Enregistrer un accompagnement' }), 'Enter');
    await page.waitForURL(/\/accompagnements\/nouveau$/);
    expect(await widthOf(page)).toBeLessThanOrEqual(320);
    violations.push(...(await snapshotViolations(browser, page)));
    await page.screenshot({ path: path.join(shots, 'formulaire-320.png'), fullPage: false });
    // Remembered: the place, the duration, the device.
    expect(await page.getByLabel('45 min').isChecked()).toBe(true);
    expect(await page.getByLabel('Téléphone', { exact: true }).isChecked()).toBe(true);
    await press(page.getByLabel('E-mail', { exact: true }), 'Space');
    await press(page.getByLabel('Autonome', { exact: true }), 'Space');
    await press(page.getByRole('button', { name: 'Enregistrer la séance' }), 'Enter');
    await page.waitForURL(/\/accompagnements$/);
    await shown(page.getByText('Séance enregistrée. Merci !'));
    expect(interactions).toBeLessThanOrEqual(6);
    console.log(`fast path: ${interactions} interactions`);
    const table = page.getByRole('table', { name: 'Mes séances' });
    await shown(table.getByText('E-mail'));
    await shown(table.getByText('Autonome').first());
    expect(await widthOf(page)).toBeLessThanOrEqual(320);
    violations.push(...(await snapshotViolations(browser, page)));

    // A bad input is refused with its reason next to the field, and what was typed is kept.
    await page.goto(`${server.url}/accompagnements/nouveau`);
    await page.getByLabel('Date', { exact: true }).fill('2026-12-25');
    await page.getByLabel('Santé', { exact: true }).check({ force: true });
    await page.getByRole('button', { name: 'Enregistrer la séance' }).click();
    await shown(page.getByText('La date est dans le futur').first());
    expect(await page.getByLabel('Santé', { exact: true }).isChecked()).toBe(true);
    expect(violations).toEqual([]);
    await context.close();
  });
});

describe('a person followed', () => {
  it('shows their autonomy progression per theme at 320 px without JavaScript, chart and table', async () => {
    const { context, page } = await signIn('collegue@mediatheque.fr');
    await page.goto(`${server.url}/accompagnements/personnes`);
    await page
      .getByRole('link', { name: /\(démo\)/ })
      .first()
      .click();
    await shown(page.getByRole('heading', { name: 'Progression de l’autonomie par thème' }));
    await shown(page.getByText(/Code personne/));
    await shown(page.getByRole('img').first());
    await page.getByText('Voir le tableau').first().click();
    await shown(page.getByRole('columnheader', { name: 'Autonomie (aidant)' }).first());
    expect(await widthOf(page)).toBeLessThanOrEqual(320);
    expect(await snapshotViolations(browser, page)).toEqual([]);
    await page.screenshot({ path: path.join(shots, 'personne-progression-320.png'), fullPage: true });
    await context.close();
  });
});

describe('statistics', () => {
  it('shows a coordinateur the territory’s figures and outcomes at 320 px, charts with tables', async () => {
    const { context, page } = await signIn('coordination@var.fr');
    await page.goto(`${server.url}/accompagnements/statistiques/territoire`);
    await shown(page.getByRole('heading', { name: 'Accompagnements du territoire' }));
    await shown(page.getByText('Var (83)').first());
    expect(Number((await page.getByTestId('total-seances').textContent())?.replace(/\D/g, ''))).toBeGreaterThanOrEqual(
      400,
    );
    await shown(page.getByRole('img', { name: /Séances par mois/ }));
    await page.getByText('Voir le tableau').first().click();
    await shown(page.getByRole('table').first());
    expect(await widthOf(page)).toBeLessThanOrEqual(320);
    expect(await snapshotViolations(browser, page)).toEqual([]);
    await page.screenshot({ path: path.join(shots, 'statistiques-territoire-320.png'), fullPage: true });
    await context.close();
  });
});
