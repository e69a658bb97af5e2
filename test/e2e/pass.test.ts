/**
 * The Pass numérique journey in a real browser: a coordinator creates a programme and issues
 * booklets; a structure gets its place qualified; a distributor hands a booklet; a helper
 * redeems two vouchers (the first typed with a typo, then corrected) with JavaScript disabled;
 * the place's statement shows 20 € due; the funder's report shows one booklet started.
 * Every page passes axe.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignPlace, importCommunes, importPlaces } from '../../src/modules/lieux/index.ts';
import { bookletsOfProgramme, vouchersOfBooklets } from '../../src/modules/pass/programmes-repository.ts';
import { CODE_ALPHABET, formatVoucherCode } from '../../src/modules/pass/voucher-code.ts';
import { commandLineActor } from '../../src/platform/auth/actor.ts';
import { Audit, launchBrowser, type RunningApp, shown, snapshotViolations, startApp, textOf } from '../support/e2e.ts';
import { makeOrganisation, makePerson } from '../support/factories.ts';

let server: RunningApp;
let browser: Browser;
const PASSWORD = 'une phrase de passe solide';
const audit = new Audit();

const communes = [
  'Code_commune_INSEE;Nom_commune;Code_postal;Ligne_5;Libellé_d_acheminement;coordonnees_gps',
  '83137;TOULON;83000;;TOULON;43.1361589728,5.93239634249',
].join('\n');
const places = [
  'id,pivot,nom,commune,code_postal,code_insee,adresse,latitude,longitude,date_maj,services,telephone',
  'mediatheque-port,73282932000074,Médiathèque du Port,Toulon,83000,83137,1 quai Cronstadt,43.1205,5.9350,2026-10-01,Aide aux démarches administratives,04 94 00 00 01',
].join('\n');

async function signIn(
  email: string,
  options: { javaScript?: boolean } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    javaScriptEnabled: options.javaScript ?? true,
    viewport: { width: 390, height: 800 },
  });
  const page = await context.newPage();
  await page.goto(`${server.url}/connexion`);
  await page.getByLabel('Adresse e-mail').fill(email);
  await page.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
  await page.getByRole('button', { name: 'Se connecter' }).click();
  await page.waitForURL(/\/espace/);
  return { context, page };
}

async function clickLabel(page: Page, text: string) {
  await page.locator('label', { hasText: text }).first().click();
}

beforeAll(async () => {
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
  const ccas = await makeOrganisation(server.db, 'CCAS de Toulon', 'collectivite');
  const mediatheque = await makeOrganisation(server.db, 'Médiathèque du Port');
  await assignPlace(
    { db: server.db, clock: server.clock.now },
    commandLineActor,
    'mediatheque-port',
    mediatheque,
    async () => true,
  );
  await makePerson(server.db, 'claire@var.fr', PASSWORD, [{ organisationId: coordination, role: 'coordinateur' }]);
  await makePerson(server.db, 'fabien@fondation.fr', PASSWORD, [{ organisationId: funder, role: 'financeur' }]);
  await makePerson(server.db, 'paul@ccas.fr', PASSWORD, [{ organisationId: ccas, role: 'prescripteur' }]);
  await makePerson(server.db, 'rachid@mediatheque.fr', PASSWORD, [
    { organisationId: mediatheque, role: 'responsable' },
  ]);
  await makePerson(server.db, 'amina@mediatheque.fr', PASSWORD, [{ organisationId: mediatheque, role: 'aidant' }]);
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('Pass numérique journey', () => {
  it('from a new programme to a statement of 20 € and a funder report', async () => {
    // 1. The coordinator creates a programme and issues booklets.
    const coord = await signIn('claire@var.fr');
    await coord.page.getByRole('link', { name: 'Pass numérique', exact: true }).click();
    await audit.check(coord.page);
    await coord.page.getByRole('link', { name: 'Nouveau programme' }).click();
    await audit.check(coord.page);
    await coord.page.getByLabel('Nom du programme').fill('Pass numérique du Var 2026');
    await coord.page.getByLabel('Financeur').selectOption({ label: 'Fondation Inclusion' });
    await coord.page.getByLabel('Départements du territoire').fill('83');
    await coord.page.getByLabel('Début de validité').fill('2026-11-01');
    await coord.page.getByLabel('Fin de validité').fill('2026-10-01');
    await coord.page.getByRole('button', { name: 'Créer le programme' }).click();
    expect(await textOf(coord.page.getByRole('alert'))).toContain('La fin de validité doit être après le début.');
    await audit.check(coord.page);
    await coord.page.getByLabel('Fin de validité').fill('2026-12-31');
    await coord.page.getByRole('button', { name: 'Créer le programme' }).click();
    await shown(coord.page.getByRole('heading', { name: 'Pass numérique du Var 2026' }));
    await shown(coord.page.getByText('Ce programme attend l’accord de son financeur'));
    await audit.check(coord.page);

    // 1b. The funder consents: the programme is waiting on its Pass numérique page.
    const consenting = await signIn('fabien@fondation.fr');
    await consenting.page.goto(`${server.url}/pass`);
    await shown(consenting.page.getByRole('heading', { name: 'Programmes en attente de votre accord' }));
    await audit.check(consenting.page);
    await consenting.page.getByRole('button', { name: 'Accepter de financer « Pass numérique du Var 2026 »' }).click();
    await shown(consenting.page.getByText('Vous financez « Pass numérique du Var 2026 »'));
    await coord.page.reload();
    await coord.page.getByLabel('Nombre de carnets', { exact: true }).fill('0');
    await coord.page.getByRole('button', { name: 'Émettre' }).click();
    await shown(coord.page.getByText('Émettez au moins un carnet.'));
    await coord.page.getByLabel('Nombre de carnets', { exact: true }).fill('3');
    await coord.page.getByRole('button', { name: 'Émettre' }).click();
    // The total face value is shown, and nothing is issued before confirmation (ADR 0027).
    await coord.page.getByRole('button', { name: /Confirmer l’émission de 150\s€/ }).click();
    await shown(coord.page.getByText('Carnets n° 1 à 3 émis : 15 chèques.'));
    await coord.page.getByLabel('Structure qui distribue').selectOption({ label: 'CCAS de Toulon' });
    await coord.page.getByLabel('Nombre de carnets à attribuer').fill('2');
    await coord.page.getByRole('button', { name: 'Attribuer' }).click();
    await shown(coord.page.getByText('2 carnet(s) attribué(s)'));
    await audit.check(coord.page);

    // 2. The structure asks to accept vouchers at its place; the coordinator qualifies it.
    const manager = await signIn('rachid@mediatheque.fr');
    await manager.page.goto(`${server.url}/pass/habilitation`);
    await audit.check(manager.page);
    await manager.page.getByLabel('Lieu').selectOption({ label: 'Médiathèque du Port (Toulon)' });
    await manager.page.getByLabel('SIRET de la structure').fill('732 829 320 00074');
    await clickLabel(manager.page, 'Démarches administratives en ligne');
    await manager.page.getByRole('button', { name: 'Demander l’habilitation' }).click();
    expect(await textOf(manager.page.getByRole('alert'))).toContain('le bénéficiaire ne paie rien');
    await audit.check(manager.page);
    await clickLabel(manager.page, 'Le bénéficiaire ne paie rien');
    await clickLabel(manager.page, 'J’accepte la charte');
    await manager.page.getByRole('button', { name: 'Demander l’habilitation' }).click();
    await shown(manager.page.getByText('Demande envoyée'));
    await coord.page.goto(`${server.url}/pass/habilitations`);
    await audit.check(coord.page);
    await coord.page.getByRole('button', { name: 'Habiliter' }).click();
    await shown(coord.page.getByText('Décision enregistrée : habilité.'));

    // 3. The distributor hands booklet 1 to a beneficiary: no name.
    const distributor = await signIn('paul@ccas.fr');
    await distributor.page.getByRole('link', { name: /Remettre des carnets/ }).click();
    await audit.check(distributor.page);
    await distributor.page.getByRole('link', { name: 'remettre le carnet n° 1' }).click();
    await audit.check(distributor.page);
    await distributor.page.getByLabel('Tranche d’âge').selectOption('65 à 79 ans');
    await distributor.page.getByLabel('Commune de résidence').fill('83000');
    await distributor.page.getByLabel('Situation').selectOption('Retraité ou retraitée');
    await distributor.page.getByRole('button', { name: 'Remettre le carnet' }).click();
    await shown(distributor.page.getByRole('heading', { name: 'Votre carnet Pass numérique' }));
    await shown(distributor.page.getByText('Médiathèque du Port'));
    await audit.check(distributor.page);

    // 4. The helper redeems two vouchers, with JavaScript disabled.
    const booklets = await bookletsOfProgramme(
      server.db,
      (await server.db.query<{ id: string }>('SELECT id FROM pass_programmes'))[0]?.id as string,
      1,
      0,
    );
    const codes = (
      await vouchersOfBooklets(
        server.db,
        booklets.map((b) => b.id),
      )
    ).map((v) => v.code);
    const [first, second] = codes as [string, string];
    const typo = `${first.slice(0, 5)}${CODE_ALPHABET[(CODE_ALPHABET.indexOf(first[5] as string) + 1) % CODE_ALPHABET.length]}${first.slice(6)}`;
    const helper = await signIn('amina@mediatheque.fr', { javaScript: false });
    const h = helper.page;
    const noJsViolations: string[] = [];
    await h
      .getByRole('link', { name: /Encaisser un chèque/ })
      .first()
      .click();
    noJsViolations.push(...(await snapshotViolations(browser, h)));
    // The camera button needs JavaScript: without it, it is not shown at all.
    expect(await h.locator('#scanner-qr').isVisible()).toBe(false);
    await h.getByLabel('Code du chèque').fill(`${typo.slice(0, 4)}-${typo.slice(4, 8)}-${typo.slice(8)}`);
    await h.getByRole('button', { name: 'Vérifier le chèque' }).click();
    expect(await textOf(h.getByRole('alert'))).toContain('faute de frappe probable');
    // The field itself says so too, and keeps what was typed.
    expect(await textOf(h.locator('.fr-input-group--error'))).toContain('faute de frappe probable');
    expect(await h.getByLabel('Code du chèque').inputValue()).toBe(
      `${typo.slice(0, 4)}-${typo.slice(4, 8)}-${typo.slice(8)}`,
    );
    noJsViolations.push(...(await snapshotViolations(browser, h)));
    await h.getByLabel('Code du chèque').fill(formatVoucherCode(first));
    await h.getByRole('button', { name: 'Vérifier le chèque' }).click();
    await shown(h.getByText('Chèque valable : 10 €'));
    noJsViolations.push(...(await snapshotViolations(browser, h)));
    // The service choice is drawn by the DSFR (its stylesheet kept the radio group's rules).
    expect(await h.locator('.fr-radio-group input').evaluate((el) => getComputedStyle(el).opacity)).toBe('0');
    await h.getByRole('button', { name: 'Encaisser 10 €' }).click();
    await shown(h.getByText('Chèque encaissé : 10 €'));
    noJsViolations.push(...(await snapshotViolations(browser, h)));
    await h.getByRole('link', { name: 'Encaisser un autre chèque' }).click();
    await h.getByLabel('Code du chèque').fill(`${second.slice(0, 5).toLowerCase()} ${second.slice(5)}`);
    await h.getByRole('button', { name: 'Vérifier le chèque' }).click();
    await h.getByRole('button', { name: 'Encaisser 10 €' }).click();
    await shown(h.getByText('Chèque encaissé : 10 €'));
    // The same voucher again: refused, saying when and where it was used.
    await h.getByRole('link', { name: 'Encaisser un autre chèque' }).click();
    await h.getByLabel('Code du chèque').fill(second);
    await h.getByRole('button', { name: 'Vérifier le chèque' }).click();
    expect(await textOf(h.getByRole('alert'))).toMatch(/déjà été utilisé le 10\snovembre 2026/);
    await h.getByRole('link', { name: /Chèques encaissés récemment/ }).click();
    noJsViolations.push(...(await snapshotViolations(browser, h)));
    expect(noJsViolations).toEqual([]);

    // 5. The place's statement: provisional during the month, 20 € due once it is over.
    await manager.page.goto(`${server.url}/pass/releves`);
    expect(await textOf(manager.page.getByTestId('provisoire'))).toMatch(/2 chèque\(s\), 20,00\s€ à ce jour/);
    await manager.page.goto(`${server.url}/pass/releves?mois=2026-11`);
    await shown(manager.page.getByText("Le relevé de novembre 2026 n'est pas encore établi"));
    await audit.check(manager.page);
    server.clock.set(new Date('2026-12-03T09:00:00Z'));
    // The hourly job draws November's statements up (a page never does).
    await server.app.jobs.runDue();
    // Three weeks later: the earlier session has expired, the manager signs in again.
    await manager.context.close();
    const later = await signIn('rachid@mediatheque.fr');
    await later.page.goto(`${server.url}/pass/releves`);
    expect(await textOf(later.page.getByTestId('releves'))).toMatch(
      /novembre 2026 — Médiathèque du Port — financeur Fondation Inclusion : 2 chèque\(s\), 20,00\s€\s*dus/,
    );
    await audit.check(later.page);

    // 6. The funder's report: one booklet started.
    const funder = await signIn('fabien@fondation.fr');
    await funder.page.getByRole('link', { name: 'Pass numérique', exact: true }).click();
    await funder.page.getByRole('link', { name: 'Pass numérique du Var 2026' }).click();
    await funder.page.getByRole('link', { name: 'Bilan pour le financeur' }).click();
    const report = await textOf(funder.page.getByTestId('bilan'));
    expect(report).toContain('Carnets commencés1');
    expect(report).toContain('Chèques utilisés2 sur 5 remis');
    await audit.check(funder.page);

    expect(audit.violations).toEqual([]);
    await Promise.all([
      coord.context.close(),
      manager.context.close(),
      distributor.context.close(),
      helper.context.close(),
      funder.context.close(),
      consenting.context.close(),
    ]);
    // A journey of six people through twenty pages: more than the default time on a busy machine.
  }, 300_000);
});
