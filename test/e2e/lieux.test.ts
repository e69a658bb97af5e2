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
import { makeOrganisation } from '../support/factories.ts';

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

/**
 * What a person on a narrow screen cannot read: the page wider than the screen, or any visible
 * element whose text is cut (content wider than its box where it scrolls or hides the rest),
 * with every disclosure opened first.
 */
async function cutOff(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    for (const d of document.querySelectorAll('details')) d.open = true;
    const width = document.documentElement.clientWidth;
    const problems: string[] = [];
    if (document.documentElement.scrollWidth > width)
      problems.push(`la page fait ${document.documentElement.scrollWidth} px de large pour un écran de ${width} px`);
    for (const el of document.body.querySelectorAll<HTMLElement>('*')) {
      const box = el.getBoundingClientRect();
      if (box.width <= 1 || box.height <= 1) continue; // visually hidden text for screen readers
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden' || style.display === 'none') continue;
      const clips = style.overflowX !== 'visible';
      const name = `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.split(' ').join('.')}` : ''}`;
      if (clips && el.scrollWidth > el.clientWidth + 1)
        problems.push(`${name} coupe son contenu (« ${(el.innerText ?? '').slice(0, 40)} »)`);
      else if (box.right > width + 1 && el.closest('[aria-hidden="true"]') === null)
        problems.push(`${name} dépasse l'écran (${Math.round(box.right)} px)`);
    }
    return problems;
  });
}

/** The tel: link shows the number, written the French way, in full. */
async function readablePhone(page: Page, number: string): Promise<void> {
  const link = page.locator('a[href^="tel:"]').first();
  await shown(link);
  const seen = await link.evaluate((a: HTMLElement) => ({
    text: a.innerText,
    cut: a.scrollWidth > a.clientWidth + 1,
    right: a.getBoundingClientRect().right,
  }));
  expect(seen.text, 'the number is the visible text of the link').toContain(number);
  expect(seen.cut, `« ${seen.text} » is cut off`).toBe(false);
  expect(seen.right).toBeLessThanOrEqual(320);
}

/** Top of the first result, on a page opened cold (no fragment, no scrolling). */
async function firstResultTop(page: Page): Promise<{ card: number; name: number }> {
  const first = page.locator('ol.pa-list-plain > li').first();
  await shown(first);
  return first.evaluate((li) => ({
    card: li.getBoundingClientRect().top,
    name: (li.querySelector('h2 a') as HTMLElement).getBoundingClientRect().bottom,
  }));
}

const FACE_VAR = 'mediation-numerique-conseiller-numerique-63f48d548f479d06f1122863';

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
    // Shown by a GET after a redirect: a reload never posts the file again (issue 13).
    expect(new URL(page.url()).pathname).toMatch(/^\/admin\/lieux\/imports\/[0-9a-f-]{36}$/);
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
    // The expert syntax, chosen explicitly (the day-by-day editor is tested in pro-pages.test.ts).
    await page.locator('label', { hasText: 'Syntaxe experte (OpenStreetMap)' }).click();
    await page.getByLabel('Horaires, syntaxe experte').fill('du lundi au vendredi le matin');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    expect(await textOf(page.getByRole('alert'))).toContain('Ces horaires ne sont pas lisibles');
    await audit.check(page);
    await page.getByLabel('Horaires, syntaxe experte').fill('Mo-Fr 09:00-12:00');
    await page.getByRole('button', { name: 'Enregistrer' }).click();
    await shown(page.getByText('Lieu enregistré'));
    await shown(page.getByRole('cell', { name: 'de 9 h à 12 h' }));
    await audit.check(page);
    expect(audit.violations).toEqual([]);
    await context.close();
  });
});

describe('what a person sees on a 320 px phone', () => {
  it('shows the phone number as the text of the call link, in full', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 320, height: 640 } });
    const page = await context.newPage();
    await page.goto(`${server.url}/lieux?commune=Toulon&q=face`);
    await readablePhone(page, '04 94 36 00 85');
    await page.goto(`${server.url}/lieux/${FACE_VAR}`);
    await readablePhone(page, '04 94 36 00 85');
    await context.close();
  });

  it('shows the first result on the first screen of a shared link, with and without JavaScript', async () => {
    for (const javaScriptEnabled of [false, true]) {
      const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 320, height: 640 } });
      const page = await context.newPage();
      await page.goto(`${server.url}/lieux?commune=Toulon`);
      const top = await firstResultTop(page);
      expect(top.card, `JavaScript ${javaScriptEnabled ? 'on' : 'off'}`).toBeLessThan(640);
      expect(top.name, `JavaScript ${javaScriptEnabled ? 'on' : 'off'}`).toBeLessThanOrEqual(640);
      await context.close();
    }
  });

  it('asks where the person is when the Pass numérique link has no place, and keeps the filter', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 320, height: 640 } });
    const page = await context.newPage();
    const response = await page.goto(`${server.url}/lieux?pass_numerique=oui`);
    expect(response?.status()).toBe(200);
    await shown(page.getByRole('heading', { name: 'Où êtes-vous ?' }));
    const text = await page.locator('main').innerText();
    expect(text).not.toMatch(/paramètres? invalides?|latitude|longitude|\(q\)|pass_numerique/i);
    await page.getByLabel('Où ?').fill('Toulon');
    await page.getByRole('button', { name: 'Rechercher' }).first().click();
    await page.waitForURL(/commune=Toulon/);
    expect(new URL(page.url()).searchParams.get('pass_numerique')).toBe('oui');
    await shown(page.locator('#resultats-titre'));
    // Wrong values are explained in plain words, without naming a parameter.
    await page.goto(`${server.url}/lieux?commune=Toulon&rayon_km=abc&page=0`);
    const wrong = await page.locator('main').innerText();
    expect(wrong).not.toMatch(/paramètre|rayon_km|par_page|latitude|longitude/i);
    await context.close();
  });

  it('shows which places accept the Pass numérique, and the filter keeps only them', async () => {
    const organisation = await makeOrganisation(server.db, 'FACE Var (essai)');
    await server.db.query(
      `INSERT INTO pass_qualifications (organisation_id, place_id, siret, services, commitments, status, requested_at, decided_at)
       VALUES ($1, $2, '73282932000074', $3, '{}'::jsonb, 'qualified', now(), now())`,
      [organisation, FACE_VAR, ['Aide aux démarches administratives']],
    );
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 320, height: 640 } });
    const page = await context.newPage();
    await page.goto(`${server.url}/lieux?commune=Toulon&pass_numerique=oui`);
    expect(await textOf(page.locator('#resultats-titre'))).toMatch(/^1 lieu/);
    const card = page.locator('ol.pa-list-plain > li').first();
    expect(await card.innerText()).toContain('Accepte le Pass numérique');
    await page.goto(`${server.url}/lieux/${FACE_VAR}`);
    await shown(page.getByText('Accepte le Pass numérique').first());
    const api = await (await fetch(`${server.url}/api/v1/lieux?commune=Toulon&pass_numerique=oui`)).json();
    expect(api.resultats.map((r: { id: string }) => r.id)).toEqual([FACE_VAR]);
    await context.close();
  });

  it('keeps every usager page within the screen, every disclosure open, nothing cut off', async () => {
    const problems: string[] = [];
    for (const javaScriptEnabled of [false, true]) {
      const context = await browser.newContext({ javaScriptEnabled, viewport: { width: 320, height: 640 } });
      const page = await context.newPage();
      for (const url of [
        '/',
        '/lieux',
        '/lieux?commune=Toulon',
        '/lieux?commune=Toulon&page=2',
        '/lieux?commune=Toulon&rayon_km=abc',
        '/lieux?pass_numerique=oui',
        '/lieux?commune=Saint-Martin',
        '/lieux?commune=Tulon',
        `/lieux/${FACE_VAR}`,
      ]) {
        await page.goto(`${server.url}${url}`);
        problems.push(
          ...(await cutOff(page)).map((p) => `${url} (JavaScript ${javaScriptEnabled ? 'on' : 'off'}) : ${p}`),
        );
      }
      await context.close();
    }
    expect(problems).toEqual([]);
  });

  it('says first that a place is closed, hides its hours and calls, and offers the nearest open places', async () => {
    const sainteMusse = 'mediation-numerique-conseiller-numerique-6350015c49d35f06f2515856';
    await server.db.query(`UPDATE places SET status = 'closed' WHERE id = $1`, [sainteMusse]);
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 320, height: 640 } });
    const page = await context.newPage();
    await page.goto(`${server.url}/lieux/${sainteMusse}`);
    const alert = page.getByRole('heading', { name: 'Ce lieu a fermé' });
    await shown(alert);
    const alertTop = await alert.evaluate((el) => el.getBoundingClientRect().top);
    const titleTop = await page.locator('h1').evaluate((el) => el.getBoundingClientRect().top);
    expect(alertTop, 'the closure is said before anything else').toBeLessThan(titleTop);
    expect(await page.getByRole('heading', { name: 'Horaires' }).count()).toBe(0);
    expect(await page.locator('a[href^="tel:"]').count()).toBe(0);
    expect(await page.getByRole('link', { name: /Itinéraire/ }).count()).toBe(0);
    const alternatives = page.getByRole('region', { name: 'Lieux ouverts les plus proches' }).getByRole('link');
    expect(await alternatives.count()).toBeGreaterThan(0);
    await alternatives.first().click();
    await page.waitForURL(/\/lieux\/(?!mediation-numerique-conseiller-numerique-6350015c49d35f06f2515856)/);
    expect(await page.getByRole('heading', { name: 'Ce lieu a fermé' }).count()).toBe(0);

    // Closed for a while: « ouvert maintenant » leaves it out even within its weekly hours.
    const before = server.clock.now();
    server.clock.set(new Date('2026-12-07T10:00:00+01:00')); // a Monday, FACE VAR opens Mo-Fr 09:00-12:30
    const openNow = `${server.url}/lieux?commune=Toulon&q=face&ouvert=maintenant`;
    await page.goto(openNow);
    expect(await textOf(page.locator('#resultats-titre'))).toMatch(/^1 lieu/);
    await server.db.query(`UPDATE places SET closed_from = '2026-12-01', closed_until = '2027-01-04' WHERE id = $1`, [
      FACE_VAR,
    ]);
    await page.goto(openNow);
    expect(await textOf(page.locator('#resultats-titre'))).toMatch(/^Aucun lieu/);
    await page.goto(`${server.url}/lieux/${FACE_VAR}`);
    await shown(page.getByRole('heading', { name: 'Fermé temporairement jusqu’au 4 janvier 2027' }));
    expect(await page.locator('a[href^="tel:"]').count()).toBe(0);
    await page.goto(`${server.url}/lieux?commune=Toulon&q=face`);
    expect(await page.locator('ol.pa-list-plain > li').first().innerText()).toMatch(
      /fermé temporairement[\s\S]*jusqu’au 4\sjanvier 2027/i,
    );
    await server.db.query('UPDATE places SET closed_from = NULL, closed_until = NULL WHERE id = $1', [FACE_VAR]);
    await server.db.query(`UPDATE places SET status = 'open' WHERE id = $1`, [sainteMusse]);
    server.clock.set(before);
    await context.close();
  });

  it('shares a place by SMS, prints a place and a list, and never shows a placeholder date', async () => {
    const context = await browser.newContext({ viewport: { width: 320, height: 640 } });
    const page = await context.newPage();
    // « 1970-01-01 » in the source means « unknown », not « updated in 1970 ».
    await page.goto(`${server.url}/lieux/mediation-numerique-cr93-93`);
    await shown(page.locator('h1'));
    expect(await page.locator('main').innerText()).not.toMatch(/1970|mises à jour le/);

    await page.goto(`${server.url}/lieux/${FACE_VAR}`);
    const href = (await page.getByRole('link', { name: 'Envoyer par SMS' }).getAttribute('href')) as string;
    expect(href).toMatch(/^sms:/);
    const body = decodeURIComponent(href.slice(href.indexOf('body=') + 5));
    expect(body).toContain('FACE VAR');
    expect(body).toContain('25 Rue Victor Clappier, 83000 Toulon');
    expect(body).toContain('04 94 36 00 85');
    const link = /https?:\/\/\S+\/l\/[0-9a-f]{12}/.exec(body)?.[0] as string;
    expect(link.length, 'a short link').toBeLessThan(60);
    await page.goto(link);
    expect(await textOf(page.locator('h1'))).toBe('FACE VAR');

    await page.evaluate(() => {
      const w = window as unknown as { printed: number };
      w.printed = 0;
      window.print = () => {
        w.printed += 1;
      };
    });
    await page.getByRole('button', { name: 'Imprimer' }).click();
    expect(await page.evaluate(() => (window as unknown as { printed: number }).printed)).toBe(1);
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('.fr-header').isVisible()).toBe(false);
    expect(await page.getByRole('button', { name: 'Imprimer' }).isVisible()).toBe(false);
    expect(await page.getByRole('link', { name: 'Itinéraire' }).isVisible()).toBe(false);
    expect(await page.getByText('04 94 36 00 85').first().isVisible()).toBe(true);
    expect(await page.getByRole('heading', { name: 'Horaires' }).isVisible()).toBe(true);

    await page.emulateMedia({ media: 'screen' });
    await page.goto(`${server.url}/lieux?commune=Toulon`);
    await shown(page.getByRole('button', { name: 'Imprimer la liste' }));
    await page.emulateMedia({ media: 'print' });
    expect(await page.locator('#recherche').isVisible()).toBe(false);
    expect(await page.locator('ol.pa-list-plain > li h2').first().isVisible()).toBe(true);
    await page.emulateMedia({ media: 'screen' });

    // « Ce qu'il faut apporter » when the structure has said it.
    await server.db.query(`UPDATE places SET what_to_bring = $2 WHERE id = $1`, [
      FACE_VAR,
      "Votre pièce d'identité et vos identifiants",
    ]);
    await page.goto(`${server.url}/lieux/${FACE_VAR}`);
    await shown(page.getByRole('heading', { name: 'Ce qu’il faut apporter' }));
    await shown(page.getByText("Votre pièce d'identité et vos identifiants"));
    await server.db.query('UPDATE places SET what_to_bring = NULL WHERE id = $1', [FACE_VAR]);
    await context.close();
  });

  it('forgives how people type where they are, and says which commune it used', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 320, height: 640 } });
    const page = await context.newPage();
    const title = async (commune: string) => {
      await page.goto(`${server.url}/lieux?commune=${encodeURIComponent(commune)}`);
      return textOf(page.locator('h1'));
    };
    expect(await title('83 000')).toMatch(/^\d+ lieux à moins de 20 km de 83000 \(Toulon\)/);
    expect(await title('La Seyne')).toMatch(/^\d+ lieux à moins de 20 km de La Seyne-sur-Mer$/);
    expect(await title('Marseille')).toMatch(/^\d+ lieux à moins de 20 km de Marseille$/);
    // « Aix » alone is a village of Corrèze, yet people mean Aix-en-Provence: ask.
    await page.goto(`${server.url}/lieux?commune=Aix`);
    await shown(page.getByText("Plusieurs communes s'appellent « Aix » : laquelle ?"));
    const choices = page.locator('.fr-callout li a');
    expect(await choices.first().textContent()).toMatch(/^Aix-en-Provence \(13/);
    expect(await choices.allTextContents()).toContainEqual(expect.stringMatching(/^Aix \(19/));
    // A typo suggests the whole city once, not its sixteen arrondissements.
    await page.goto(`${server.url}/lieux?commune=Marseile`);
    await shown(page.getByText('Vouliez-vous dire'));
    const suggestions = await page.locator('main li a').allTextContents();
    expect(suggestions.filter((s) => s.startsWith('Marseille'))).toEqual([expect.stringMatching(/^Marseille \(/)]);
    await page.getByRole('link', { name: /^Marseille \(/ }).click();
    expect(await textOf(page.locator('h1'))).toMatch(/^\d+ lieux à moins de 20 km de Marseille$/);
    await context.close();
  });
});
