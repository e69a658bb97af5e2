/**
 * The person model's administration in a real browser at 320 px (ADR 0018): a responsable
 * finds two likely duplicates, merges them, opens the kept record and sees who opened it, then
 * downloads the card. Every page passes axe and nothing is wider than the screen. Screenshots
 * go to docs/screenshots/people/.
 */
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCommunes } from '../../src/modules/lieux/index.ts';
import { createPerson, viewPerson } from '../../src/modules/people/index.ts';
import { commandLineActor } from '../../src/platform/auth/actor.ts';
import { Audit, launchBrowser, type RunningApp, startApp } from '../support/e2e.ts';
import { makeActor, makeOrganisation, makePerson } from '../support/factories.ts';

let server: RunningApp;
let browser: Browser;
const PASSWORD = 'une phrase de passe solide';
const audit = new Audit();
const shots = path.resolve('docs/screenshots/people');
let codes: string[] = [];

beforeAll(async () => {
  server = await startApp();
  server.clock.set(new Date('2026-11-10T09:00:00Z'));
  const deps = { db: server.db, clock: server.clock.now };
  await importCommunes(
    deps,
    commandLineActor,
    Buffer.from(
      'Code_commune_INSEE;Nom_commune;Code_postal;Ligne_5;Libellé_d_acheminement;coordonnees_gps\n83137;TOULON;83000;;TOULON;43.13,5.93\n',
    ),
    'communes.csv',
  );
  const ccas = await makeOrganisation(server.db, 'CCAS de Toulon');
  await makePerson(server.db, 'rachid@ccas.fr', PASSWORD, [{ organisationId: ccas, role: 'responsable' }]);
  const aidant = await makeActor(server.db, [{ organisationId: ccas, role: 'aidant' }], { email: 'amina@ccas.fr' });
  const facts = { organisationId: ccas, birthYear: 1956, residence: { kind: 'commune', inseeCode: '83137' } };
  const a = await createPerson(deps, aidant, { ...facts, displayName: 'Zoé Martin' });
  server.clock.advance(1000);
  const b = await createPerson(deps, aidant, { ...facts, displayName: 'ZOE MARTIN' });
  await viewPerson(deps, aidant, a.id);
  codes = [a.code, b.code];
  browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const widest = (page: import('playwright-core').Page) => page.evaluate(() => document.documentElement.scrollWidth);

describe('people administration at 320 px', () => {
  it('merges duplicates, shows who opened the record, gives the card', async () => {
    const context = await browser.newContext({ viewport: { width: 320, height: 640 } });
    const page = await context.newPage();
    await page.goto(`${server.url}/connexion`);
    await page.getByLabel('Adresse e-mail').fill('rachid@ccas.fr');
    await page.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL(/\/espace/);
    await page.getByRole('link', { name: /Personnes accompagnées : doublons/ }).click();
    await page.waitForURL(/\/espace\/personnes\/doublons/);
    await audit.check(page);
    const body = await page.locator('main').innerText();
    expect(body).toContain(`Zoé Martin — code ${codes[0]}`);
    expect(body).toContain(`ZOE MARTIN — code ${codes[1]}`);
    expect(await widest(page)).toBeLessThanOrEqual(320);
    await page.screenshot({ path: path.join(shots, 'doublons-320.png'), fullPage: true });

    await page.getByRole('button', { name: `Fusionner ${codes[1]} dans ${codes[0]}` }).click();
    await page.waitForLoadState('load');
    expect(await page.locator('body').innerText()).toContain(`Fiches fusionnées : la fiche ${codes[0]} est gardée.`);
    await audit.check(page);

    await page.goto(`${server.url}/espace/personnes/doublons`);
    expect(await page.locator('main').innerText()).toContain('Aucun doublon probable');
    // The kept record, by its URL (the list is empty now).
    const id = await server.db.query<{ id: string }>("SELECT id FROM people WHERE display_name = 'Zoé Martin'");
    await page.goto(`${server.url}/espace/personnes/${id[0]?.id}`);
    await audit.check(page);
    const record = await page.locator('main').innerText();
    expect(record).toContain(`Code de la carte : ${codes[0]}`);
    expect(record).toContain('Qui a ouvert cette fiche');
    expect(record).toContain('Consultation de la fiche');
    expect(record).toContain('Effacement à la demande de la personne');
    expect(await widest(page)).toBeLessThanOrEqual(320);
    await page.screenshot({ path: path.join(shots, 'fiche-administration-320.png'), fullPage: true });

    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Imprimer la carte (PDF)' }).click();
    expect((await download).suggestedFilename()).toBe(`carte-${codes[0]}.pdf`);
    expect(audit.violations).toEqual([]);
    await context.close();
  });
});
