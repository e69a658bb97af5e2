/**
 * Finding help, in a real browser: from the home page to a place page by postcode with
 * JavaScript off; « Utiliser ma position » with JavaScript on; a coordinator importing a file
 * through the admin page. Every page passes axe.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import * as OTPAuth from 'otpauth';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdministrator } from '../../src/modules/accounts/index.ts';
import { importCommunes, importPlaces } from '../../src/modules/lieux/index.ts';
import { commandLineActor } from '../../src/platform/auth/actor.ts';
import { Audit, axeViolations, launchBrowser, type RunningApp, shown, startApp, textOf } from '../support/e2e.ts';

const shared = path.resolve('../shared/data');
let server: RunningApp;
let browser: Browser;

beforeAll(async () => {
  server = await startApp();
  const deps = { db: server.db, clock: server.clock.now };
  await importCommunes(
    deps,
    commandLineActor,
    readFileSync(path.join(shared, 'communes/laposte_hexasmal.csv')),
    'laposte_hexasmal.csv',
  );
  await importPlaces(deps, commandLineActor, readFileSync(path.join(shared, 'lieux/lieux-paca-2023-05-17.json')), {
    fileName: 'paca.json',
    dryRun: false,
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function auditOf(url: string): Promise<string[]> {
  const context = await browser.newContext({ viewport: { width: 320, height: 700 } });
  const page = await context.newPage();
  await page.goto(url);
  const violations = await axeViolations(page);
  await context.close();
  return violations;
}

async function noOverflow(page: Page) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, `${page.url()} is wider than the screen`).toBeLessThanOrEqual(320);
}

describe('finding help', () => {
  it('goes from the home page to a place page by postcode, with JavaScript disabled, at 320 px', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 320, height: 700 } });
    const page = await context.newPage();
    const visited: string[] = [];
    await page.goto(server.url);
    visited.push(page.url());
    await page.getByLabel("Où cherchez-vous de l'aide ?").fill('13500');
    await page.getByRole('button', { name: "Trouver un lieu d'aide" }).click();
    await page.waitForURL(/\/lieux\?commune=13500/);
    visited.push(page.url());
    expect(await textOf(page.locator('#resultats-titre'))).toMatch(/\d+ lieux? à moins de 20 km de 13500/);
    await noOverflow(page);

    // Narrow the search: administrative procedures only, then open the first result.
    // DSFR draws the box on the label: people click the label.
    await page.locator('label', { hasText: 'Démarches administratives en ligne' }).click();
    await page.getByRole('button', { name: 'Rechercher' }).click();
    await page.waitForURL(/services=Aide/);
    visited.push(page.url());
    const first = page.locator('ol.pa-list-plain li h2 a').first();
    const name = (await first.textContent()) as string;
    await first.click();
    await page.waitForURL(/\/lieux\/[^?]+$/);
    visited.push(page.url());
    expect(await textOf(page.locator('h1'))).toBe(name);
    await shown(page.getByRole('heading', { name: 'Horaires' }));
    await shown(page.getByRole('heading', { name: 'Ce que propose ce lieu' }));
    expect(await page.getByText('Démarches administratives en ligne').count()).toBeGreaterThan(0);
    await noOverflow(page);

    // An ambiguous name asks which commune, and the choice keeps working without JavaScript.
    await page.goto(`${server.url}/lieux?commune=Saint-Martin`);
    visited.push(page.url());
    await shown(page.getByText("Plusieurs communes s'appellent « Saint-Martin » : laquelle ?"));
    await page.getByRole('link', { name: /Saint-Martin \(54450/ }).click();
    await shown(page.locator('#resultats-titre'));
    await context.close();

    const violations = (await Promise.all(visited.map(auditOf))).flat();
    expect(violations).toEqual([]);
  });

  it('uses the device position when JavaScript is available', async () => {
    const context = await browser.newContext({
      geolocation: { latitude: 43.1242, longitude: 5.928 },
      permissions: ['geolocation'],
    });
    const page = await context.newPage();
    await page.goto(`${server.url}/lieux`);
    await page.getByRole('button', { name: 'Utiliser ma position' }).click();
    await page.waitForURL(/latitude=43\.1242/);
    expect(await textOf(page.locator('#resultats-titre'))).toMatch(/à moins de 20 km de votre position/);
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });

  it('lets a coordinator import a file and read the report', async () => {
    const audit = new Audit();
    const deps = {
      db: server.db,
      clock: server.clock.now,
      secretKey: server.config.secretKey,
      operatorName: server.config.operatorName,
      publicUrl: server.config.publicUrl,
    };
    const { passwordLink } = await createAdministrator(deps, { email: 'admin-lieux@exemple.fr' });
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(passwordLink);
    await page.getByLabel('Nouveau mot de passe').fill('une phrase de passe solide');
    await page.getByLabel('Confirmez le mot de passe').fill('une phrase de passe solide');
    await page.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
    await page.getByLabel('Adresse e-mail').fill('admin-lieux@exemple.fr');
    await page.getByLabel('Mot de passe', { exact: true }).fill('une phrase de passe solide');
    await page.getByRole('button', { name: 'Se connecter' }).click();
    const secret = (await textOf(page.getByTestId('totp-secret'))).replace(/\s/g, '');
    const code = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate({
      timestamp: server.clock.now().getTime(),
    });
    await page.getByLabel('Code à 6 chiffres').fill(code);
    await page.getByRole('button', { name: 'Activer' }).click();
    await page.getByRole('link', { name: "J'ai noté mes codes, continuer" }).click();
    await page.getByRole('link', { name: 'Lieux : import et référentiel' }).click();
    await audit.check(page);

    const file = Buffer.from(
      [
        'id;pivot;nom;commune;code_postal;adresse;date_maj;services;telephone',
        'e2e-1;12345678901234;Espace numérique du Port;Toulon;83000;1 quai Cronstadt;2026-11-01;Aide aux démarches administratives;04 94 00 00 01',
        'e2e-2;12345678901234;Sans code postal;Toulon;;2 quai Cronstadt;2026-11-01;;',
      ].join('\n'),
    );
    await page.locator('label', { hasText: 'Simulation : voir le rapport sans rien enregistrer' }).click();
    await page.getByLabel('Fichier des lieux').setInputFiles({ name: 'lieux.csv', mimeType: 'text/csv', buffer: file });
    await page.getByRole('button', { name: 'Importer' }).click();
    await shown(page.getByRole('heading', { name: "Rapport d'import" }));
    expect(await textOf(page.getByText('Simulation : rien n')).catch(() => '')).toContain('Simulation');
    await audit.check(page);
    await page.getByRole('link', { name: 'Retour' }).click();
    await page.getByLabel('Fichier des lieux').setInputFiles({ name: 'lieux.csv', mimeType: 'text/csv', buffer: file });
    await page.getByRole('button', { name: 'Importer' }).click();
    const summary = await textOf(page.getByTestId('import-summary'));
    expect(summary).toContain('Lieux créés1');
    expect(summary).toContain('Lignes rejetées1');
    expect(await textOf(page.getByTestId('import-rejections'))).toContain('Ligne 3');
    await audit.check(page);

    await page.goto(`${server.url}/lieux/e2e-1`);
    await shown(page.getByRole('heading', { name: 'Espace numérique du Port' }));
    await page.getByRole('link', { name: 'Modifier ce lieu' }).click();
    await audit.check(page);
    await page.getByLabel("Horaires d'ouverture").fill('du lundi au vendredi le matin');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    expect(await textOf(page.getByRole('alert'))).toContain('Ces horaires ne sont pas lisibles');
    await audit.check(page);
    await page.getByLabel("Horaires d'ouverture").fill('Mo-Fr 09:00-12:00');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await shown(page.getByText('Lieu enregistré'));
    await shown(page.getByRole('cell', { name: 'de 9 h à 12 h' }));
    await audit.check(page);
    expect(audit.violations).toEqual([]);
    await context.close();
  });
});
