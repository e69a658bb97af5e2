/**
 * The last fixes of issue 13 on the places' forms, in a real browser at 320 px, asserted on what
 * the person sees; each test failed on the code before its fix (quoted in the report of issue 13):
 *
 * - the place form asks for a commune and a postcode, never an INSEE code, and says in French
 *   when the pair is unknown, mismatched or ambiguous;
 * - the communes import carries its CSRF token in the form, not in the URL;
 * - the places import simulation answers 303 to a report kept one hour: a reload never posts;
 * - switching the hours editor to the expert syntax shows what was just typed day by day,
 *   converted, not the stored value — with and without JavaScript.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import * as OTPAuth from 'otpauth';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdministrator } from '../../src/modules/accounts/index.ts';
import { assignPlace, importCommunes, importPlaces } from '../../src/modules/lieux/index.ts';
import { commandLineActor } from '../../src/platform/auth/actor.ts';
import { Audit, launchBrowser, type RunningApp, shown, snapshotViolations, startApp, textOf } from '../support/e2e.ts';
import { makeOrganisation, makePerson } from '../support/factories.ts';

let server: RunningApp;
let browser: Browser;
const PASSWORD = 'une phrase de passe solide';
const shots = path.resolve('var/screenshots/pro');
const audit = new Audit();

const communes = [
  'Code_commune_INSEE;Nom_commune;Code_postal;Ligne_5;Libellé_d_acheminement;coordonnees_gps',
  '83137;TOULON;83000;;TOULON;43.1361589728,5.93239634249',
  '83062;LA GARDE;83130;;LA GARDE;43.1247,6.0108',
  '06120;ST BLAISE;06670;;ST BLAISE;43.8167,7.2333',
  '06128;ST MARTIN DU VAR;06670;;ST MARTIN DU VAR;43.8167,7.2000',
].join('\n');
const places = [
  'id,pivot,nom,commune,code_postal,code_insee,adresse,latitude,longitude,date_maj,services,telephone,horaires',
  'espace-port,73282932000074,Espace du Port,Toulon,83000,83137,1 quai Cronstadt,43.1205,5.9350,2026-10-01,Aide aux démarches administratives,+33494000001,"Mo-Fr 09:00-12:00,14:00-17:00; We off"',
].join('\n');

async function newPage(options: { javaScript?: boolean } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    javaScriptEnabled: options.javaScript ?? true,
    viewport: { width: 320, height: 640 },
  });
  const page = await context.newPage();
  page.setDefaultTimeout(8_000);
  page.on('pageerror', (e) => {
    throw e;
  });
  return { context, page };
}

async function signIn(email: string, options: { javaScript?: boolean } = {}) {
  const { context, page } = await newPage(options);
  await page.goto(`${server.url}/connexion`);
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL(/\/espace/);
  return { context, page };
}

/** An administrator sets a password and a second factor, as the first time. */
async function signInAdministrator(email: string) {
  const { passwordLink } = await createAdministrator(
    {
      db: server.db,
      clock: server.clock.now,
      secretKey: server.config.secretKey,
      operatorName: server.config.operatorName,
      publicUrl: server.config.publicUrl,
    },
    { email },
  );
  const { context, page } = await newPage();
  await page.goto(passwordLink);
  await page.getByLabel('Nouveau mot de passe').fill(PASSWORD);
  await page.getByLabel('Confirmez le mot de passe').fill(PASSWORD);
  await page.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  const secret = (await textOf(page.getByTestId('totp-secret'))).replace(/\s/g, '');
  const code = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate({
    timestamp: server.clock.now().getTime(),
  });
  await page.getByLabel('Code à 6 chiffres').fill(code);
  await page.getByRole('button', { name: 'Activer' }).click();
  await page.getByRole('link', { name: "J'ai noté mes codes, continuer" }).click();
  return { context, page };
}

/** Nothing wider than the 320 px screen, and axe (through a snapshot without JavaScript). */
async function fitsTheScreen(page: Page, options: { javaScript?: boolean } = {}): Promise<void> {
  if (options.javaScript === false) {
    audit.visited.push(new URL(page.url()).pathname);
    audit.violations.push(...(await snapshotViolations(browser, page)));
  } else await audit.check(page);
  expect(await page.evaluate(() => document.documentElement.scrollWidth), `${page.url()} wider than 320 px`).toBe(320);
}

async function storedPlace(id: string) {
  return (
    await server.db.query<{ horaires: string | null; commune: string; code_postal: string; code_insee: string | null }>(
      'SELECT horaires, commune, code_postal, code_insee FROM places WHERE id = $1',
      [id],
    )
  )[0];
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  // Sessions outlive the hour a simulation's report is kept.
  server = await startApp({ SESSION_IDLE_MINUTES: '600' });
  server.clock.set(new Date('2026-11-10T09:00:00Z'));
  const deps = { db: server.db, clock: server.clock.now };
  await importCommunes(deps, commandLineActor, Buffer.from(communes), 'communes.csv');
  await importPlaces(deps, commandLineActor, Buffer.from(places), { fileName: 'lieux.csv', dryRun: false });
  const structure = await makeOrganisation(server.db, 'Espace du Port');
  await assignPlace(deps, commandLineActor, 'espace-port', structure, async () => true);
  await makePerson(server.db, 'rachid@port.fr', PASSWORD, [{ organisationId: structure, role: 'responsable' }]);
  browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('the place form asks for a commune, never an INSEE code', () => {
  it('derives the INSEE code from commune and postcode, and says in French what does not match', async () => {
    const { context, page } = await signIn('rachid@port.fr');
    await page.goto(`${server.url}/lieux/espace-port/modifier`);
    const commune = page.getByRole('textbox', { name: /^Commune/ });
    await shown(commune);
    expect(await page.getByRole('textbox', { name: /^Code INSEE/i }).count(), 'no field asks for the INSEE code').toBe(
      0,
    );
    const save = () => page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    const errors = () => textOf(page.getByRole('alert'));

    // A postcode no commune has.
    await page.getByRole('textbox', { name: /^Code postal/ }).fill('83999');
    await save();
    expect(await errors()).toContain(
      'Aucune commune n’a le code postal 83999 dans la base des codes postaux : vérifiez-le.',
    );
    // A name that is not a commune of that postcode: the communes of the postcode are listed.
    await page.getByRole('textbox', { name: /^Code postal/ }).fill('83130');
    await commune.fill('Toulon');
    await save();
    expect(await errors()).toContain(
      'La commune « Toulon » n’a pas le code postal 83130. Communes de ce code postal : « La Garde ».',
    );
    // Two communes of the postcode answer to « Saint ».
    await page.getByRole('textbox', { name: /^Code postal/ }).fill('06670');
    await commune.fill('Saint');
    await save();
    expect(await errors()).toMatch(
      /Plusieurs communes du code postal 06670 répondent à « Saint » : écrivez le nom complet \(« .*Blaise.*Martin.*\)/,
    );
    await fitsTheScreen(page);
    expect((await storedPlace('espace-port'))?.code_insee).toBe('83137');

    // The right pair: saved, the INSEE code comes from the gazetteer.
    await page.getByRole('textbox', { name: /^Code postal/ }).fill('83130');
    await commune.fill('La Garde');
    await save();
    await shown(page.getByText('Lieu enregistré.'));
    expect(await storedPlace('espace-port')).toMatchObject({
      commune: 'La Garde',
      code_postal: '83130',
      code_insee: '83062',
    });
    // Put back for the tests that follow.
    await server.db.query(
      "UPDATE places SET commune = 'Toulon', code_postal = '83000', code_insee = '83137' WHERE id = 'espace-port'",
    );
    await context.close();
  }, 420_000);
});

describe('the places imports, as an administrator', () => {
  it('sends the communes file with its CSRF token in the form, not in the URL', async () => {
    const { context, page } = await signInAdministrator('admin-communes@exemple.fr');
    await page.goto(`${server.url}/admin/lieux`);
    const posted: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST') posted.push(r.url());
    });
    await page
      .getByLabel('Base officielle des codes postaux (laposte_hexasmal.csv)')
      .setInputFiles({ name: 'laposte_hexasmal.csv', mimeType: 'text/csv', buffer: Buffer.from(communes) });
    await page.getByRole('button', { name: 'Remplacer le référentiel' }).click();
    await shown(page.getByText(/Référentiel remplacé : 4 communes/));
    expect(posted, 'one POST').toHaveLength(1);
    expect(posted[0], 'the POST carries no token in its URL').toBe(`${server.url}/admin/lieux/communes`);
    expect(page.url()).not.toContain('_csrf');
    await fitsTheScreen(page);
    await context.close();
  }, 420_000);

  it('answers a simulation with a redirect to its report, kept one hour: a reload never posts again', async () => {
    const { context, page } = await signInAdministrator('admin-simulation@exemple.fr');
    await page.goto(`${server.url}/admin/lieux`);
    const posted: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST') posted.push(r.url());
    });
    const file = Buffer.from(
      [
        'id;pivot;nom;commune;code_postal;adresse;date_maj;services;telephone',
        'simu-1;12345678901234;Espace simulé;Toulon;83000;3 quai Cronstadt;2026-11-01;Aide aux démarches administratives;04 94 00 00 02',
      ].join('\n'),
    );
    await page.locator('label', { hasText: 'Simulation : voir le rapport sans rien enregistrer' }).click();
    await page
      .getByLabel('Fichier des lieux')
      .setInputFiles({ name: 'simulation.csv', mimeType: 'text/csv', buffer: file });
    const answer = page.waitForResponse((r) => r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Importer' }).click();
    expect((await answer).status(), 'the POST answers with a redirect').toBe(303);
    await shown(page.getByRole('heading', { name: /Rapport d'import/ }));
    const report = page.url();
    expect(new URL(report).pathname).toMatch(/^\/admin\/lieux\/imports\/[0-9a-f-]{36}$/);
    await fitsTheScreen(page);

    // A reload shows the report again, by a GET: the file is not sent twice.
    await page.reload();
    await shown(page.getByRole('heading', { name: /Rapport d'import/ }));
    expect(posted).toHaveLength(1);
    expect(await server.db.query("SELECT 1 FROM places WHERE id = 'simu-1'")).toHaveLength(0);

    // An hour later the report is gone, with a French message.
    server.clock.advance(61 * 60_000);
    await page.goto(report);
    await shown(page.getByText('Cette simulation n’est plus gardée : relancez-la depuis la page d’import.'));
    expect(posted).toHaveLength(1);
    server.clock.set(new Date('2026-11-10T09:00:00Z'));
    await context.close();
  }, 420_000);
});

describe('switching the hours editor to the expert syntax', () => {
  it('shows the hours just typed day by day, converted, with JavaScript', async () => {
    const { context, page } = await signIn('rachid@port.fr');
    await page.goto(`${server.url}/lieux/espace-port/modifier`);
    await page.locator('label', { hasText: 'Fermé le samedi' }).click();
    await page.getByLabel('Samedi, Matin (ou journée continue), de').fill('09:30');
    await page.getByLabel('Samedi, Matin (ou journée continue), à').fill('12:00');
    await page.locator('label', { hasText: 'Fermé le mercredi' }).click();
    await page.getByLabel('Mercredi, Matin (ou journée continue), de').fill('09:00');
    await page.getByLabel('Mercredi, Matin (ou journée continue), à').fill('12:00');
    await page.locator('label', { hasText: 'Syntaxe experte (OpenStreetMap)' }).click();
    const expert = page.getByLabel('Horaires, syntaxe experte');
    await shown(expert);
    await expect
      .poll(() => expert.inputValue(), { timeout: 8_000 })
      .toBe('Mo,Tu,Th,Fr 09:00-12:00,14:00-17:00; We 09:00-12:00; Sa 09:30-12:00');
    expect(await page.getByLabel('Lundi, Matin (ou journée continue), de').isVisible()).toBe(false);
    await fitsTheScreen(page);
    await page.locator('#horaires-editeur').screenshot({ path: path.join(shots, 'horaires-vers-expert-avec-js.png') });
    // What the expert field shows is what is saved.
    await expert.fill(`${await expert.inputValue()}; PH off`);
    await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    await shown(page.getByText('Lieu enregistré.'));
    expect((await storedPlace('espace-port'))?.horaires).toBe(
      'Mo,Tu,Th,Fr 09:00-12:00,14:00-17:00; We 09:00-12:00; Sa 09:30-12:00; PH off',
    );
    await context.close();
  }, 420_000);

  it('says a mistake in the days next to its field instead of switching, with JavaScript', async () => {
    const { context, page } = await signIn('rachid@port.fr');
    await page.goto(`${server.url}/lieux/espace-port/modifier`);
    await page.getByLabel('Mardi, Après-midi, de').fill('18:00');
    await page.locator('label', { hasText: 'Syntaxe experte (OpenStreetMap)' }).click();
    expect(await textOf(page.getByRole('alert'))).toContain(
      'Mardi, l’après-midi : la fermeture doit suivre l’ouverture.',
    );
    await shown(page.getByLabel('Mardi, Après-midi, de'));
    expect(await page.getByLabel('Jour par jour').isChecked()).toBe(true);
    expect(await page.getByLabel('Horaires, syntaxe experte').isVisible()).toBe(false);
    await context.close();
  }, 420_000);

  it('shows the hours just typed day by day, converted, without JavaScript, and saves nothing yet', async () => {
    await server.db.query(
      "UPDATE places SET horaires = 'Mo-Fr 09:00-12:00,14:00-17:00; We off' WHERE id = 'espace-port'",
    );
    const { context, page } = await signIn('rachid@port.fr', { javaScript: false });
    await page.goto(`${server.url}/lieux/espace-port/modifier`);
    await page.getByLabel('Samedi, Matin (ou journée continue), de').fill('10:00');
    await page.getByLabel('Samedi, Matin (ou journée continue), à').fill('12:00');
    await page.locator('label', { hasText: 'Fermé le samedi' }).click();
    await page.getByRole('button', { name: 'Passer à la syntaxe experte' }).click();
    expect(await page.getByLabel('Horaires, syntaxe experte').inputValue()).toBe(
      'Mo,Tu,Th,Fr 09:00-12:00,14:00-17:00; Sa 10:00-12:00',
    );
    expect(await page.getByLabel('Syntaxe experte (OpenStreetMap)').isChecked()).toBe(true);
    await shown(page.getByText('Les horaires saisis jour par jour sont écrits en syntaxe experte'));
    // Nothing saved until « Enregistrer ».
    expect((await storedPlace('espace-port'))?.horaires).toBe('Mo-Fr 09:00-12:00,14:00-17:00; We off');
    await fitsTheScreen(page, { javaScript: false });
    await page.locator('#horaires-editeur').screenshot({ path: path.join(shots, 'horaires-vers-expert-sans-js.png') });
    // Enter in a field saves (the form's default button), it does not convert again.
    await page.getByLabel('Horaires, syntaxe experte').press('Enter');
    await shown(page.getByText('Lieu enregistré.'));
    expect((await storedPlace('espace-port'))?.horaires).toBe('Mo,Tu,Th,Fr 09:00-12:00,14:00-17:00; Sa 10:00-12:00');
    await context.close();
  }, 420_000);
});

describe('accessibility', () => {
  it('every page checked at 320 px above also passes axe', () => {
    expect(audit.visited.length).toBeGreaterThanOrEqual(5);
    expect(audit.violations).toEqual([]);
  });
});
