/**
 * Professionals' pages as people use them (issue 13), in a real browser at 320 px: each test is
 * one fix, asserted on what the person sees; each failed on the code before the fix (see the
 * closing report of issue 13). One server and one browser for the file.
 *
 * - hours editor: a manager enters hours day by day, with and without JavaScript; a value the
 *   form cannot show stays as written in the expert field;
 * - issuance: the total face value and a confirmation before anything is issued, a cap per operation;
 * - cancellation: booklets not handed out are cancelled, their chèques refused « carnet annulé »;
 * - booklet search: « Carnet n° 1 » of the right programme, found by programme + number;
 * - hand-out: « sans domicile stable » without a commune; the letter prints, with French phones,
 *   the week's hours, the prescripteur's contact and a link that opens the places; undo within 24 h.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignPlace, importCommunes, importPlaces } from '../../src/modules/lieux/index.ts';
import { createProgramme } from '../../src/modules/pass/create-programme.ts';
import { assignBooklets } from '../../src/modules/pass/distribute-booklets.ts';
import { issueBooklets } from '../../src/modules/pass/issue-booklets.ts';
import { formatVoucherCode } from '../../src/modules/pass/voucher-code.ts';
import { commandLineActor } from '../../src/platform/auth/actor.ts';
import { Audit, launchBrowser, type RunningApp, shown, snapshotViolations, startApp, textOf } from '../support/e2e.ts';
import { makeOrganisation, makePerson } from '../support/factories.ts';

let server: RunningApp;
let browser: Browser;
const PASSWORD = 'une phrase de passe solide';
const shots = path.resolve('var/screenshots/pro');
const audit = new Audit();
const ids = { programmeA: '', programmeB: '', ccas: '', mediatheque: '' };

const communes = [
  'Code_commune_INSEE;Nom_commune;Code_postal;Ligne_5;Libellé_d_acheminement;coordonnees_gps',
  '83137;TOULON;83000;;TOULON;43.1361589728,5.93239634249',
].join('\n');
const places = [
  'id,pivot,nom,commune,code_postal,code_insee,adresse,latitude,longitude,date_maj,services,telephone,horaires',
  'mediatheque-port,73282932000074,Médiathèque du Port,Toulon,83000,83137,1 quai Cronstadt,43.1205,5.9350,2026-10-01,Aide aux démarches administratives,+33494000001,"Mo-Fr 09:00-12:00,14:00-17:00; We off"',
  'maison-rdv,73282932000074,Maison sur rendez-vous,Toulon,83000,83137,2 rue Vincent,43.1242,5.9280,2026-10-01,Aide aux démarches administratives,,"Mo 14:00-17:00 ""sur rendez-vous"""',
].join('\n');

async function signIn(
  email: string,
  options: { javaScript?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    javaScriptEnabled: options.javaScript ?? true,
    viewport: { width: 320, height: 640 },
  });
  const page = await context.newPage();
  // A missing field or button fails the test in seconds, not minutes.
  page.setDefaultTimeout(8_000);
  page.on('pageerror', (e) => {
    throw e;
  });
  await page.goto(`${server.url}/connexion`);
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL(/\/espace/);
  return { context, page };
}

/** Nothing wider than the 320 px screen. */
async function fitsTheScreen(page: Page, options: { javaScript?: boolean } = {}): Promise<void> {
  // axe needs JavaScript in the page: without it, a snapshot of the page is audited instead.
  if (options.javaScript === false) {
    audit.visited.push(new URL(page.url()).pathname);
    audit.violations.push(...(await snapshotViolations(browser, page)));
  } else await audit.check(page);
  expect(await page.evaluate(() => document.documentElement.scrollWidth), `${page.url()} wider than 320 px`).toBe(320);
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  server = await startApp();
  // Tuesday 10 November 2026, 10:00 in Paris.
  server.clock.set(new Date('2026-11-10T09:00:00Z'));
  const deps = { db: server.db, clock: server.clock.now };
  await importCommunes(deps, commandLineActor, Buffer.from(communes), 'communes.csv');
  await importPlaces(deps, commandLineActor, Buffer.from(places), { fileName: 'lieux.csv', dryRun: false });
  const coordination = await makeOrganisation(server.db, 'Département du Var', 'collectivite', {
    departements: ['83'],
    communes: [],
  });
  const funder = await makeOrganisation(server.db, 'Fondation Inclusion', 'entreprise');
  ids.ccas = await makeOrganisation(server.db, 'CCAS de Toulon', 'collectivite');
  ids.mediatheque = await makeOrganisation(server.db, 'Médiathèque du Port');
  for (const place of ['mediatheque-port', 'maison-rdv'])
    await assignPlace(deps, commandLineActor, place, ids.mediatheque, async () => true);
  await makePerson(server.db, 'claire@var.fr', PASSWORD, [{ organisationId: coordination, role: 'coordinateur' }]);
  await makePerson(server.db, 'paul@ccas.fr', PASSWORD, [{ organisationId: ids.ccas, role: 'prescripteur' }]);
  await makePerson(server.db, 'rachid@mediatheque.fr', PASSWORD, [
    { organisationId: ids.mediatheque, role: 'responsable' },
  ]);
  await makePerson(server.db, 'amina@mediatheque.fr', PASSWORD, [{ organisationId: ids.mediatheque, role: 'aidant' }]);
  const passDeps = { ...deps, publicUrl: server.url, operatorName: 'Passerelle' };
  const programme = (name: string) =>
    createProgramme({ ...passDeps, organisationExists: async () => true }, commandLineActor, {
      name,
      coordinatorOrganisationId: coordination,
      funderOrganisationId: funder,
      departements: '83',
      validFrom: '2026-11-01',
      validUntil: '2027-06-30',
      services: ['Aide aux démarches administratives', 'Maîtrise des outils numériques du quotidien'],
    });
  ids.programmeA = (await programme('Pass des aînés')).id;
  ids.programmeB = (await programme('Pass jeunes')).id;
  await server.db.query('UPDATE pass_programmes SET funder_accepted_at = $1', [server.clock.now()]);
  // Both programmes have a « Carnet n° 1 » at the CCAS.
  for (const id of [ids.programmeA, ids.programmeB]) {
    await issueBooklets(passDeps, commandLineActor, id, { count: 2 });
    await assignBooklets({ ...passDeps, organisationExists: async () => true }, commandLineActor, id, {
      organisationId: ids.ccas,
      count: 2,
    });
  }
  await server.db.query(
    `INSERT INTO pass_qualifications (organisation_id, place_id, siret, services, commitments, status, requested_at, decided_at)
     VALUES ($1, 'mediatheque-port', '73282932000074', '{}', '{}'::jsonb, 'qualified', $2, $2)`,
    [ids.mediatheque, server.clock.now()],
  );
  browser = await launchBrowser();
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('hours a manager can enter', () => {
  it('reads the stored hours back day by day and saves what is typed, with JavaScript', async () => {
    const { context, page } = await signIn('rachid@mediatheque.fr');
    await page.goto(`${server.url}/lieux/mediatheque-port/modifier`);
    // Read back: Monday 9–12 and 14–17, Wednesday closed.
    expect(await page.getByLabel('Lundi, Matin (ou journée continue), de').inputValue()).toBe('09:00');
    expect(await page.getByLabel('Lundi, Après-midi, à').inputValue()).toBe('17:00');
    expect(await page.getByLabel('Fermé le mercredi').isChecked()).toBe(true);
    // With JavaScript only the chosen way of typing shows.
    expect(await page.getByLabel('Horaires, syntaxe experte').isVisible()).toBe(false);
    // Saturday is closed: its times are typed once « Fermé le samedi » is unticked.
    expect(await page.getByLabel('Samedi, Matin (ou journée continue), de').isDisabled()).toBe(true);
    await page.locator('label', { hasText: 'Fermé le samedi' }).click();
    await page.getByLabel('Samedi, Matin (ou journée continue), de').fill('09:30');
    await page.getByLabel('Samedi, Matin (ou journée continue), à').fill('12:00');
    await page.getByLabel('Jour de fermeture exceptionnelle 1').fill('2026-12-24');
    await fitsTheScreen(page);
    await page.locator('#horaires-editeur').screenshot({ path: path.join(shots, 'horaires-320-avec-js.png') });
    await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    await shown(page.getByText('Lieu enregistré.'));
    const stored = await server.db.query<{ horaires: string }>(
      "SELECT horaires FROM places WHERE id = 'mediatheque-port'",
    );
    expect(stored[0]?.horaires).toBe('Mo,Tu,Th,Fr 09:00-12:00,14:00-17:00; Sa 09:30-12:00; 2026 Dec 24 off');
    expect(await textOf(page.locator('body'))).toMatch(/samedi\s*:?\s*de 9 h 30 à 12 h/i);
    await context.close();
  }, 420_000);

  it('works without JavaScript, says what is wrong in French, and keeps a value it cannot show', async () => {
    const { context, page } = await signIn('rachid@mediatheque.fr', { javaScript: false });
    await page.goto(`${server.url}/lieux/mediatheque-port/modifier`);
    // Both ways show; the radio decides.
    expect(await page.getByLabel('Horaires, syntaxe experte').isVisible()).toBe(true);
    await page.getByLabel('Mardi, Après-midi, de').fill('18:00');
    await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    expect(await textOf(page.getByRole('alert'))).toContain(
      'Mardi, l’après-midi : la fermeture doit suivre l’ouverture.',
    );
    await page.getByLabel('Mardi, Après-midi, de').fill('14:00');
    await page.getByLabel('Fermé temporairement jusqu’au (facultatif)').fill('2026-11-20');
    await fitsTheScreen(page, { javaScript: false });
    await page.locator('#horaires-editeur').screenshot({ path: path.join(shots, 'horaires-320-sans-js.png') });
    await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    await shown(page.getByText('Lieu enregistré.'));
    await shown(page.getByText('Fermé temporairement jusqu’au 20 novembre 2026'));

    // « sur rendez-vous » cannot be shown day by day: it opens in the expert field, unchanged.
    await page.goto(`${server.url}/lieux/maison-rdv/modifier`);
    await shown(page.getByTestId('horaires-expert-garde'));
    expect(await page.getByLabel('Horaires, syntaxe experte').inputValue()).toBe('Mo 14:00-17:00 "sur rendez-vous"');
    expect(await page.getByLabel('Syntaxe experte (OpenStreetMap)').isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Enregistrer', exact: true }).click();
    await shown(page.getByText('Lieu enregistré.'));
    const stored = await server.db.query<{ horaires: string }>("SELECT horaires FROM places WHERE id = 'maison-rdv'");
    expect(stored[0]?.horaires).toBe('Mo 14:00-17:00 "sur rendez-vous"');
    await context.close();
  }, 420_000);
});

describe('Pass numérique: costly mistakes made hard', () => {
  it('shows the total face value and asks for confirmation before issuing; caps an operation', async () => {
    const { context, page } = await signIn('claire@var.fr');
    await page.goto(`${server.url}/pass/programmes/${ids.programmeA}`);
    await page.getByLabel('Nombre de carnets', { exact: true }).fill('5000');
    await page.getByRole('button', { name: 'Émettre' }).click();
    await shown(page.getByText(/Au plus 1\s000 carnets par émission/));
    await page.getByLabel('Nombre de carnets', { exact: true }).fill('3');
    await page.getByRole('button', { name: 'Émettre' }).click();
    expect(await textOf(page.getByTestId('confirmation-emission'))).toMatch(/Valeur totale : 150\s€/);
    await fitsTheScreen(page);
    await page.screenshot({ path: path.join(shots, 'emission-confirmation-320.png'), fullPage: true });
    // Nothing is issued until confirmed.
    const count = async () =>
      (
        await server.db.query<{ n: number }>('SELECT count(*)::int AS n FROM pass_booklets WHERE programme_id = $1', [
          ids.programmeA,
        ])
      )[0]?.n;
    expect(await count()).toBe(2);
    await page.getByRole('button', { name: /Confirmer l’émission de 150\s€/ }).click();
    await shown(page.getByText('Carnets n° 3 à 5 émis : 15 chèques.'));
    expect(await count()).toBe(5);
    await context.close();
  }, 420_000);

  it('cancels booklets not handed out; their chèques are refused « carnet annulé »', async () => {
    const { context, page } = await signIn('claire@var.fr');
    await page.goto(`${server.url}/pass/programmes/${ids.programmeA}`);
    await page.getByLabel('Du carnet n°', { exact: true }).first().fill('2');
    await page.getByLabel('Au carnet n°', { exact: true }).first().fill('2');
    await page.getByRole('button', { name: 'Annuler ces carnets' }).click();
    await shown(page.getByTestId('confirmation-annulation'));
    await page.getByRole('button', { name: 'Annuler définitivement ces carnets' }).click();
    await shown(page.getByText('1 carnet(s) annulé(s) (n° 2 à 2)'));
    const code = (
      await server.db.query<{ code: string }>(
        'SELECT v.code FROM pass_vouchers v JOIN pass_booklets b ON b.id = v.booklet_id WHERE b.programme_id = $1 AND b.number = 2 LIMIT 1',
        [ids.programmeA],
      )
    )[0]?.code as string;
    const helper = await signIn('amina@mediatheque.fr');
    await helper.page.goto(`${server.url}/pass/encaisser`);
    await helper.page.getByLabel('Code du chèque').fill(formatVoucherCode(code));
    await helper.page.getByRole('button', { name: 'Vérifier le chèque' }).click();
    expect(await textOf(helper.page.getByRole('alert'))).toContain('Carnet annulé');
    await Promise.all([context.close(), helper.context.close()]);
  }, 420_000);

  it('finds « Carnet n° 1 » of the right programme by its printed number', async () => {
    const { context, page } = await signIn('paul@ccas.fr');
    await page.goto(`${server.url}/pass/distribution`);
    await page.getByLabel('Programme').selectOption({ label: 'Pass jeunes' });
    await page.getByLabel('Numéro imprimé sur le carnet').fill('1');
    await page.getByRole('button', { name: 'Chercher le carnet' }).click();
    const results = await textOf(page.getByTestId('resultats-carnets'));
    expect(results).toContain('Pass jeunes, carnet n° 1');
    expect(results).not.toContain('Pass des aînés');
    await fitsTheScreen(page);
    await page.screenshot({ path: path.join(shots, 'recherche-carnet-320.png'), fullPage: true });
    await context.close();
  }, 420_000);

  it('hands a booklet to a person without a stable address; the letter prints; the hand-out can be undone', async () => {
    const { context, page } = await signIn('paul@ccas.fr');
    await page.goto(`${server.url}/pass/distribution`);
    await page.getByLabel('Programme').selectOption({ label: 'Pass des aînés' });
    await page.getByLabel('Numéro imprimé sur le carnet').fill('1');
    await page.getByRole('button', { name: 'Chercher le carnet' }).click();
    await page.getByRole('link', { name: 'remettre le carnet n° 1 (Pass des aînés)' }).click();
    await page.getByLabel('Tranche d’âge').selectOption('45 à 64 ans');
    await page.getByLabel('Situation').selectOption('Sans domicile stable');
    await page.getByLabel('Commune de résidence ou de domiciliation (facultatif)').fill('');
    await page.getByLabel('Votre contact, imprimé sur la lettre (facultatif)').fill('+33494112233');
    await page.getByRole('button', { name: 'Remettre le carnet' }).click();
    await shown(page.getByRole('heading', { name: 'Votre carnet Pass numérique' }));
    await shown(page.getByRole('button', { name: 'Imprimer' }));
    expect(await textOf(page.getByTestId('services-payes'))).toContain('Utiliser un ordinateur, un téléphone');
    expect(await textOf(page.getByTestId('contact-prescripteur'))).toContain(
      'CCAS de Toulon. Contact : 04 94 11 22 33',
    );
    const link = page.getByTestId('lien-lieux');
    expect(await link.getAttribute('href')).toContain('pass_numerique=oui');
    await fitsTheScreen(page);
    await context.close();

    // With a commune: the nearest place, its phone in French, its week of hours, and the link opens it.
    const second = await signIn('paul@ccas.fr');
    const p = second.page;
    await p.goto(`${server.url}/pass/distribution`);
    await p.getByLabel('Programme').selectOption({ label: 'Pass jeunes' });
    await p.getByLabel('Numéro imprimé sur le carnet').fill('2');
    await p.getByRole('button', { name: 'Chercher le carnet' }).click();
    await p.getByRole('link', { name: 'remettre le carnet n° 2 (Pass jeunes)' }).click();
    await p.getByLabel('Tranche d’âge').selectOption('65 à 79 ans');
    await p.getByLabel('Situation').selectOption("Demandeur d'asile ou titre de séjour");
    await p.getByLabel('Commune de résidence ou de domiciliation (facultatif)').fill('83000');
    await p.getByRole('button', { name: 'Remettre le carnet' }).click();
    const letter = await textOf(p.getByTestId('lieux-lettre'));
    expect(letter).toContain('Médiathèque du Port');
    expect(letter).toContain('04 94 00 00 01');
    expect(letter).not.toContain('+33494000001');
    expect(letter).toMatch(/lundi : de 9 h à 12 h et de 14 h à 17 h/);
    expect(letter).toMatch(/mercredi : fermé/);
    await fitsTheScreen(p);
    const pdf = await p.pdf({ format: 'A4' });
    const { writeFileSync } = await import('node:fs');
    writeFileSync(path.join(shots, 'lettre-beneficiaire.pdf'), pdf);
    const letterUrl = p.url();
    const href = (await p.getByTestId('lien-lieux').getAttribute('href')) as string;
    await p.goto(href);
    await shown(p.getByText('Médiathèque du Port').first());
    // The hand-out was a mistake: undone within 24 hours, the booklet is to hand out again.
    await p.goto(letterUrl);
    await p.getByRole('button', { name: 'Annuler la remise du carnet n° 2' }).click();
    await shown(p.getByText('Remise du carnet n° 2 annulée'));
    await shown(p.getByRole('link', { name: 'remettre le carnet n° 2' }).first());
    await second.context.close();
  }, 300_000);
});

describe('an aidant redeeming at one of two places', () => {
  it('keeps the chosen place for the next chèque, and the next day', async () => {
    // « Maison sur rendez-vous » comes first in the list: the aidant chooses the other one.
    await server.db.query(
      `INSERT INTO pass_qualifications (organisation_id, place_id, siret, services, commitments, status, requested_at, decided_at)
       VALUES ($1, 'maison-rdv', '73282932000074', '{}', '{}'::jsonb, 'qualified', $2, $2)`,
      [ids.mediatheque, server.clock.now()],
    );
    // Booklet n° 1 of « Pass jeunes », handed out (by the data, so that this test stands alone).
    await server.db.query(
      `UPDATE pass_booklets SET distributed_at = $2, beneficiary = '{"tranche_age": "18 à 25 ans"}'::jsonb
       WHERE programme_id = $1 AND number = 1`,
      [ids.programmeB, server.clock.now()],
    );
    const codes = (
      await server.db.query<{ code: string }>(
        `SELECT v.code FROM pass_vouchers v JOIN pass_booklets b ON b.id = v.booklet_id
         WHERE b.programme_id = $1 AND b.number = 1 ORDER BY v.position`,
        [ids.programmeB],
      )
    ).map((r) => r.code);
    const { context, page } = await signIn('amina@mediatheque.fr');
    await page.goto(`${server.url}/pass/encaisser`);
    await page
      .getByLabel('Lieu où l’aide est donnée')
      .or(page.getByLabel("Lieu où l'aide est donnée"))
      .selectOption('mediatheque-port');
    await page.getByLabel('Code du chèque').fill(formatVoucherCode(codes[0] as string));
    await page.getByRole('button', { name: 'Vérifier le chèque' }).click();
    await page.locator('label', { hasText: 'Démarches administratives en ligne' }).first().click();
    await page.getByRole('button', { name: 'Encaisser 10 €' }).click();
    await shown(page.getByText('Chèque encaissé : 10 €'));
    await page.getByRole('link', { name: 'Encaisser un autre chèque' }).click();
    const place = page.getByLabel('Lieu où l’aide est donnée').or(page.getByLabel("Lieu où l'aide est donnée"));
    expect(await place.inputValue()).toBe('mediatheque-port');
    // A chèque's QR code opens the page without a place: the remembered one is still chosen.
    await page.goto(`${server.url}/pass/encaisser?code=${codes[1]}`);
    await shown(page.getByText('Chèque valable : 10 €'));
    expect(await textOf(page.locator('main'))).toContain('Lieu : Médiathèque du Port');
    await context.close();
  }, 420_000);
});

describe('funder report', () => {
  it('is filtered by period and profiles the beneficiaries, counts under 10 not shown', async () => {
    const { context, page } = await signIn('claire@var.fr');
    await page.goto(`${server.url}/pass/programmes/${ids.programmeA}/bilan`);
    await page.getByLabel('Période : du mois').selectOption({ label: 'novembre 2026' });
    await page.getByLabel('au mois (inclus)').selectOption({ label: 'novembre 2026' });
    await page.getByRole('button', { name: 'Afficher la période' }).click();
    await shown(page.getByText('de novembre 2026 à novembre 2026 inclus'));
    const profile = await textOf(page.getByTestId('profil-beneficiaires'));
    expect(profile).toContain('Sans domicile stable');
    expect(profile).toContain('moins de 10');
    await fitsTheScreen(page);
    await context.close();
  }, 420_000);
});

describe('accessibility', () => {
  it('every page checked at 320 px above also passes axe', () => {
    expect(audit.visited.length).toBeGreaterThan(5);
    expect(audit.violations).toEqual([]);
  });
});
