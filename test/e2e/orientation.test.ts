/**
 * The orientation diagnostic in a real browser, as a person on a small phone would use it:
 * every question and the result at 320 × 640 with JavaScript disabled (what is visible, where,
 * nothing wider than the screen, axe on each page), the Arabic result laid out right to left,
 * the device position with JavaScript, the printable slip on one A4 page, and the statistics
 * page of a coordinateur on demo answers. Screenshots go to var/screenshots/ for people to look at.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importCommunes, importPlaces } from '../../src/modules/lieux/index.ts';
import { seedOrientationDemo } from '../../src/modules/orientation/index.ts';
import { commandLineActor } from '../../src/platform/auth/actor.ts';
import {
  axeViolations,
  launchBrowser,
  type RunningApp,
  shown,
  snapshotViolations,
  startApp,
  textOf,
} from '../support/e2e.ts';
import { makeOrganisation, makePerson } from '../support/factories.ts';

const shared = path.resolve('../shared/data');
const shots = path.resolve('var/screenshots');
let server: RunningApp;
let browser: Browser;
const PASSWORD = 'une phrase de passe solide';

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  server = await startApp();
  // Tuesday 10 November 2026, 10:00 in Paris.
  server.clock.set(new Date('2026-11-10T09:00:00Z'));
  const deps = { db: server.db, clock: server.clock.now };
  await importCommunes(
    deps,
    commandLineActor,
    readFileSync(path.join(shared, 'communes/laposte_hexasmal.csv')),
    'laposte.csv',
  );
  await importPlaces(deps, commandLineActor, readFileSync(path.join(shared, 'lieux/lieux-paca-2023-05-17.json')), {
    fileName: 'paca.json',
    dryRun: false,
  });
  const ccas = await makeOrganisation(server.db, 'CCAS de la Colline', 'collectivite');
  const coordination = await makeOrganisation(server.db, 'Département du Var', 'collectivite');
  await makePerson(server.db, 'coordination@var.fr', PASSWORD, [
    { organisationId: coordination, role: 'coordinateur' },
  ]);
  await seedOrientationDemo(deps, { prescriberOrganisationId: ccas, placeIds: [] });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function widthOf(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth);
}

/** Top of an element in the page, in CSS pixels. */
async function topOf(page: Page, selector: string): Promise<number> {
  const box = await page.locator(selector).first().boundingBox();
  if (!box) throw new Error(`${selector} is not visible`);
  return box.y + (await page.evaluate(() => window.scrollY));
}

/** The answers of the walk, as a person taps them. */
const WALK: Array<{ id: string; title: string; answer: (page: Page) => Promise<void> }> = [
  {
    id: 'demarche',
    title: 'Que devez-vous faire ?',
    answer: (p) => p.getByRole('button', { name: 'Titre de séjour, nationalité' }).click(),
  },
  {
    id: 'delai',
    title: 'Y a-t-il une date limite ?',
    answer: (p) => p.getByRole('button', { name: 'Oui', exact: true }).click(),
  },
  {
    id: 'equipement',
    title: "Qu'avez-vous chez vous ?",
    answer: async (p) => {
      await p.getByText('Un téléphone qui va sur internet').click();
      await p.getByRole('button', { name: 'Continuer' }).click();
    },
  },
  {
    id: 'competences',
    title: 'Que savez-vous faire sans aide ?',
    answer: (p) => p.getByRole('button', { name: 'Rien de tout ça' }).click(),
  },
  {
    id: 'lecture',
    title: "Lire le français, pour vous, c'est :",
    answer: (p) => p.getByRole('button', { name: 'Parfois dur' }).click(),
  },
  {
    id: 'langue',
    title: "Dans quelle langue voulez-vous de l'aide ?",
    answer: (p) => p.getByRole('button', { name: 'En arabe' }).click(),
  },
  {
    id: 'aide',
    title: 'Quelle aide voulez-vous ?',
    answer: (p) => p.getByRole('button', { name: "Le faire avec quelqu'un" }).click(),
  },
  {
    id: 'lieu',
    title: "Où cherchez-vous de l'aide ?",
    answer: async (p) => {
      await p.getByLabel('Ville ou code postal').fill('83000');
      await p.getByRole('button', { name: 'Voir le résultat' }).click();
    },
  },
];

describe('orientation diagnostic', () => {
  it('takes a person through 8 questions to a result at 320 px without JavaScript, each screen readable and clean', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 320, height: 640 } });
    const page = await context.newPage();
    const violations: string[] = [];
    await page.goto(`${server.url}/orientation`);
    await page.screenshot({ path: path.join(shots, 'orientation-fr-0-accueil.png'), fullPage: true });
    expect(await textOf(page.locator('h1'))).toBe('Quelle aide pour vos démarches ?');
    violations.push(...(await snapshotViolations(browser, page)));
    await page.getByRole('button', { name: 'Commencer' }).click();

    for (const [i, step] of WALK.entries()) {
      await page.waitForURL(new RegExp(`/orientation/question/${step.id}$`));
      expect(await textOf(page.locator('h1'))).toBe(step.title);
      await shown(page.getByText(`Question ${i + 1} sur 8`));
      expect(await widthOf(page), `${step.id} is wider than the screen`).toBeLessThanOrEqual(320);
      // The first answer is on the first screen, with no scrolling.
      const first = step.id === 'lieu' ? '#commune' : '.pa-choice, .pa-check';
      expect(await topOf(page, first), `${step.id}: first answer below the first screen`).toBeLessThan(640);
      await page.screenshot({ path: path.join(shots, `orientation-fr-${i + 1}-${step.id}.png`), fullPage: true });
      violations.push(...(await snapshotViolations(browser, page)));
      await step.answer(page);
    }

    await page.waitForURL(/\/orientation\/resultat\/[2-9A-Z]{4}-[2-9A-Z]{4}$/);
    expect(await textOf(page.locator('h1'))).toBe('Votre résultat');
    await shown(page.getByText('Urgence numérique'));
    expect(await topOf(page, '.pa-level')).toBeLessThan(640);
    await shown(page.getByText('Une aide dans votre langue.'));
    await shown(page.getByText('Votre titre de séjour ou votre récépissé.'));
    // Places near Toulon, the first card with its name, a phone number readable as text, a link to the place.
    const cards = page.locator('ol.pa-places > li');
    expect(await cards.count()).toBeGreaterThanOrEqual(5);
    const phone = page.locator('ol.pa-places a.pa-phone').first();
    expect(await textOf(phone)).toMatch(/^0\d( \d\d){4}$/);
    const phoneBox = await phone.boundingBox();
    expect(phoneBox && phoneBox.x + phoneBox.width).toBeLessThanOrEqual(320);
    expect(await cards.first().locator('a[href^="/lieux/"]').count()).toBe(1);
    const code = await textOf(page.getByTestId('code-fiche'));
    expect(code).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}$/);
    expect(await widthOf(page)).toBeLessThanOrEqual(320);
    await page.screenshot({ path: path.join(shots, 'orientation-fr-9-resultat.png'), fullPage: true });
    violations.push(...(await snapshotViolations(browser, page)));

    // Back in the browser's history: the diagnostic is over, nothing is resumed.
    await page.goto(`${server.url}/orientation/question/aide`);
    await page.waitForURL(/\/orientation$/);
    await shown(page.getByRole('button', { name: 'Commencer' }));

    // The slip's public page and its printable A4 page.
    await page.goto(`${server.url}/orientation/fiche/${code}`);
    await shown(page.getByText(`Fiche d'orientation ${code}`));
    violations.push(...(await snapshotViolations(browser, page)));
    await context.close();
    expect(violations).toEqual([]);
  });

  it('lays the Arabic result out right to left', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 320, height: 640 } });
    const page = await context.newPage();
    await page.goto(`${server.url}/orientation?lang=ar`);
    await page.getByRole('button', { name: 'ابدأ' }).click();
    for (const value of ['social', 'non']) {
      await page.locator(`button[value="${value}"]`).click();
    }
    await page.locator('label[for="reponse-smartphone"]').click();
    await page.getByRole('button', { name: 'متابعة' }).click();
    await page.locator('button[value="email"]').count();
    await page.locator('label[for="reponse-email"]').click();
    await page.getByRole('button', { name: 'متابعة' }).click();
    for (const value of ['facile', 'arabe', 'pour_moi']) await page.locator(`button[value="${value}"]`).click();
    await page.getByLabel('المدينة أو الرمز البريدي').fill('Toulon');
    await page.getByRole('button', { name: 'عرض النتيجة' }).click();
    await page.waitForURL(/\/orientation\/resultat\//);
    expect(await page.evaluate(() => [document.documentElement.lang, document.documentElement.dir])).toEqual([
      'ar',
      'rtl',
    ]);
    expect(await textOf(page.locator('h1'))).toBe('نتيجتك');
    // Right to left: the title starts at the right edge, the language links run from the right.
    const h1 = await page.locator('h1').boundingBox();
    const main = await page.locator('main').boundingBox();
    expect(h1 && main && Math.abs(h1.x + h1.width - (main.x + main.width - 16))).toBeLessThanOrEqual(2);
    const links = page.locator('.pa-lang-switch a');
    const fr = await links.nth(0).boundingBox();
    const ar = await links.nth(2).boundingBox();
    expect(fr && ar && fr.x > ar.x).toBe(true);
    expect(await page.locator('.pa-level').evaluate((el) => getComputedStyle(el).borderRightWidth)).not.toBe('0px');
    expect(await widthOf(page)).toBeLessThanOrEqual(320);
    await shown(page.getByText('هذه الترجمة العربية مسودة'));
    // Each place says in Arabic whether it is open now, or when it opens next; never in French.
    const places = await textOf(page.locator('.pa-places'));
    expect(places).toMatch(/مفتوح الآن|مغلق الآن|أوقات العمل غير مؤكدة/);
    expect(places).not.toMatch(/Ouvert|Fermé|ouvre|Horaires/);
    await page.screenshot({ path: path.join(shots, 'orientation-ar-resultat.png'), fullPage: true });
    expect(await snapshotViolations(browser, page)).toEqual([]);
    await context.close();
  });

  it('uses the device position with JavaScript, and prints the slip on one A4 page', async () => {
    const context = await browser.newContext({
      geolocation: { latitude: 43.1242, longitude: 5.928 },
      permissions: ['geolocation'],
      viewport: { width: 390, height: 800 },
    });
    const page = await context.newPage();
    await page.goto(`${server.url}/orientation?lang=fr`);
    await page.getByRole('button', { name: 'Commencer' }).click();
    for (const step of WALK.slice(0, 7)) await step.answer(page);
    await page.waitForURL(/\/question\/lieu$/);
    expect(await axeViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Utiliser ma position' }).click();
    await page.waitForURL(/\/orientation\/resultat\//);
    await shown(page.getByText(/Où aller près de Toulon/));
    await page.getByRole('link', { name: 'Imprimer la fiche' }).click();
    await page.waitForURL(/\/imprimer$/);
    expect(await axeViolations(page)).toEqual([]);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('header.fr-header').isVisible()).toBe(false);
    await page.screenshot({ path: path.join(shots, 'orientation-fiche-impression.png'), fullPage: true });
    const pdf = await page.pdf({ format: 'A4', printBackground: true });
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    expect(pages).toBe(1);
    await context.close();
  });

  it('shows a coordinateur the statistics of the demo answers', async () => {
    const context = await browser.newContext({ viewport: { width: 1024, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${server.url}/connexion`);
    await page.getByLabel('Adresse e-mail').fill('coordination@var.fr');
    await page.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.waitForURL(/\/espace/);
    await page.getByRole('link', { name: 'Statistiques de l’orientation' }).click();
    await page.waitForURL(/\/orientation\/statistiques/);
    expect(Number((await textOf(page.getByTestId('total-diagnostics'))).replace(/\D/g, ''))).toBeGreaterThan(300);
    expect(await textOf(page.getByTestId('part-honorees'))).toMatch(/%/);
    await shown(page.getByRole('table', { name: "Niveau d'aide" }));
    await page.screenshot({ path: path.join(shots, 'orientation-statistiques.png'), fullPage: true });
    expect(await axeViolations(page)).toEqual([]);
    await context.close();
  });
});
