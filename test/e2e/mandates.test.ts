/**
 * Mandates in a real browser (issue 16), on the development FranceConnect the app mounts: a
 * habilitated helper signs in with a second factor and creates a mandate with a fictional person
 * → prints the attestation (its text checked; its QR code, read from the rendered page, decodes
 * to the verification address printed beside it) → the verification page says valid, a forged
 * address (one character changed) says not valid → the demo partner service signs the helper in on
 * the person's behalf (what was done shows in « Mes mandats ») → the person revokes from « Mes mandats » on a
 * 320 px phone without JavaScript → the partner sign-in is refused → the verification page says
 * not valid. axe on every page,
 * nothing wider than the screen. Screenshots go to var/screenshots/mandats/ (those of docs/screenshots/mandats/ were taken so).
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as OTPAuth from 'otpauth';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  confirmSecondFactorEnrolment,
  startSecondFactorEnrolment,
} from '../../src/modules/accounts/enrol-second-factor.ts';
import { findUserByEmail, upsertMembership } from '../../src/modules/accounts/repository.ts';
import { demoPartnerSecret } from '../../src/modules/mandates/dev-partner.tsx';
import { habilitateStructure, recordHelperTraining } from '../../src/modules/mandates/habilitations.ts';
import { signedReference } from '../../src/modules/mandates/mandate-rules.ts';
import { findMandate } from '../../src/modules/mandates/mandates-repository.ts';
import { createPartner, registerDemoPartner } from '../../src/modules/mandates/partners.ts';
import { commandLineActor } from '../../src/platform/auth/actor.ts';
import {
  Audit,
  axeViolations,
  launchBrowser,
  type RunningApp,
  shown,
  snapshotViolations,
  startApp,
  textOf,
} from '../support/e2e.ts';
import { makeActor, makeOrganisation, makePerson } from '../support/factories.ts';
import { decodePdfQr } from '../support/pdf-qr.ts';

const shots = path.resolve('var/screenshots/mandats');
const PASSWORD = 'une phrase de passe solide';
let server: RunningApp;
let browser: Browser;
let secret: string;
let formPostSecret: string;
const FORM_POST_REDIRECT = 'https://partenaire.exemple.fr/retour';

/**
 * axe on a page as a browser without JavaScript shows it (its <noscript> content rendered), from a
 * copy without the script: snapshotViolations' copy would submit the form as soon as it loads.
 */
async function noScriptViolations(page: Page): Promise<string[]> {
  const html = (await page.content()).replace(/<script>[\s\S]*?<\/script>/g, '').replace(/<\/?noscript>/g, '');
  const url = `${new URL(page.url()).origin}/__instantane-axe`;
  const context = await browser.newContext({ viewport: page.viewportSize() ?? { width: 320, height: 640 } });
  const copy = await context.newPage();
  await copy.route(url, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
  await copy.goto(url);
  const violations = await axeViolations(copy);
  await context.close();
  return violations;
}

/**
 * A partner asking for response_mode=form_post, in a real browser: the helper picks the person
 * and the family, then the page Passerelle answers posts the code to the partner — by its script
 * (JavaScript on: the strict CSP must let it run) or by its button (JavaScript off). The
 * partner's address is intercepted; the code it received is exchanged for tokens.
 */
async function formPostSignIn(page: Page, javaScript: boolean): Promise<void> {
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(16).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const blocked: string[] = [];
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) blocked.push(m.text());
  });
  let received: URLSearchParams | undefined;
  await page.route(`${FORM_POST_REDIRECT}*`, async (route) => {
    received = new URLSearchParams(route.request().postData() ?? '');
    await route.fulfill({
      status: 200,
      contentType: 'text/html; charset=utf-8',
      body: '<!DOCTYPE html><html lang="fr"><head><title>Partenaire</title></head><body><main><h1>Code reçu</h1></main></body></html>',
    });
  });
  const query = new URLSearchParams({
    client_id: 'form-post-test',
    response_type: 'code',
    response_mode: 'form_post',
    redirect_uri: FORM_POST_REDIRECT,
    scope: 'openid given_name family_name mandat',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state,
  });
  await page.goto(`${server.url}/oidc/autorisation?${query}`);
  await shown(page.getByRole('heading', { name: 'Pour qui agissez-vous ?' }));
  await page.getByText(/Angela Claire Louise DUBOIS/).click();
  await page.getByRole('button', { name: 'Continuer' }).click();
  await shown(page.getByRole('heading', { name: 'Pour quelle démarche ?' }));
  await page.getByRole('button', { name: 'Me connecter pour le compte de cette personne' }).click();
  if (!javaScript) {
    // Without JavaScript: the page says where it goes and offers the button, in French, at 320 px.
    await shown(page.getByRole('heading', { name: 'Retour vers le service' }));
    await noOverflow(page);
    expect(await noScriptViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Continuer' }).click();
  }
  await shown(page.getByRole('heading', { name: 'Code reçu' }));
  expect(blocked).toEqual([]);
  expect(received?.get('state')).toBe(state);
  const token = await server.app.inject({
    method: 'POST',
    url: '/oidc/jeton',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({
      grant_type: 'authorization_code',
      code: received?.get('code') ?? '',
      redirect_uri: FORM_POST_REDIRECT,
      code_verifier: verifier,
      client_id: 'form-post-test',
      client_secret: formPostSecret,
    }).toString(),
  });
  expect(token.statusCode, token.body).toBe(200);
  expect(token.json().id_token).toEqual(expect.any(String));
}

function code(): string {
  // The server's clock stands still in tests: each code is the next step of that clock.
  server.clock.advance(30_000);
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate({
    timestamp: server.clock.now().getTime(),
  });
}

async function noOverflow(page: Page) {
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  expect(width, page.url()).toBeLessThanOrEqual(320);
}

beforeAll(async () => {
  mkdirSync(shots, { recursive: true });
  server = await startApp();
  const db = server.db;
  const coord = await makeOrganisation(db, 'Département du Var', 'collectivite', {
    departements: ['83'],
    communes: [],
  });
  const structure = await makeOrganisation(db, 'Centre social du Mourillon', 'association', {
    departements: [],
    communes: ['83137'],
  });
  const coordinator = await makeActor(db, [{ organisationId: coord, role: 'coordinateur' }]);
  await makePerson(db, 'camille@exemple.fr', PASSWORD, [{ organisationId: structure, role: 'aidant' }]);
  const user = await findUserByEmail(db, 'camille@exemple.fr');
  const userId = user?.id as string;
  await upsertMembership(db, { userId, organisationId: structure, role: 'aidant', canActOnBehalf: true });
  const deps = { db, clock: server.clock.now, secretKey: server.config.secretKey, operatorName: 'Passerelle' };
  const enrolment = await startSecondFactorEnrolment(deps, userId);
  secret = enrolment.secret;
  // The enrolment's code is of the previous time step, so the sign-in code is a fresh one.
  const earlier = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate({
    timestamp: Date.now() - 60_000,
  });
  server.clock.set(new Date(Date.now() - 60_000));
  await confirmSecondFactorEnrolment(deps, userId, { code: earlier }, enrolment.pending);
  server.clock.set(new Date());
  const ref = { id: structure, territory: { departements: [], communes: ['83137'] } };
  await habilitateStructure({ db, clock: server.clock.now }, coordinator, ref, {
    reference: 'HAB-83-042',
    families: ['social', 'logement', 'famille'],
    startsOn: '2026-01-01',
  });
  await recordHelperTraining(
    { db, clock: server.clock.now },
    coordinator,
    ref,
    { userId, canActOnBehalf: true },
    {
      trainedOn: '2026-02-01',
    },
  );
  // The demo partner service (registered with the demo data in development).
  await registerDemoPartner(
    { db, clock: server.clock.now, secretKey: server.config.secretKey, publicUrl: server.url },
    demoPartnerSecret(server.config.secretKey),
  );
  // A partner answered in form_post (its redirect address is intercepted in the browser).
  formPostSecret = (
    await createPartner(
      { db, clock: server.clock.now, secretKey: server.config.secretKey },
      commandLineActor,
      {
        clientId: 'form-post-test',
        name: 'Service en form_post',
        authMethod: 'client_secret_post',
        redirectUris: FORM_POST_REDIRECT,
        families: ['logement'],
      },
      { allowHttpLocal: false },
    )
  ).secret as string;
  browser = await launchBrowser();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

describe('mandates in a browser', () => {
  it('creates, prints, verifies and lets the person revoke a mandate', async () => {
    const audit = new Audit();
    const helper = await (await browser.newContext({ viewport: { width: 1024, height: 800 } })).newPage();
    await helper.goto(`${server.url}/connexion?retour=/mandats`);
    await helper.getByLabel('Adresse e-mail').fill('camille@exemple.fr');
    await helper.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
    await helper.getByRole('button', { name: 'Se connecter' }).click();
    await helper.getByLabel('Code à 6 chiffres').fill(code());
    await helper.getByRole('button', { name: 'Valider' }).click();
    expect(await textOf(helper.getByTestId('structure-courante'))).toContain('Centre social du Mourillon');
    await audit.check(helper);

    await helper.getByRole('link', { name: 'Nouveau mandat' }).click();
    await audit.check(helper);
    await helper.getByText('Social - Santé').click();
    await helper.getByText('Logement', { exact: true }).click();
    await helper.getByText('6 mois').click();
    await helper.getByRole('button', { name: /Identifier la personne/ }).click();
    await shown(helper.getByRole('heading', { name: 'FranceConnect de développement' }));
    await audit.check(helper);
    await helper.getByRole('button', { name: 'Angela Claire Louise DUBOIS' }).click();
    expect(await textOf(helper.getByTestId('personne-identifiee'))).toContain('Angela Claire Louise DUBOIS');
    await audit.check(helper);
    await helper.getByText("J'ai informé la personne").click();
    await helper.getByLabel('Votre code de double authentification').fill(code());
    await helper.getByRole('button', { name: 'Créer le mandat' }).click();
    expect(await textOf(helper.getByTestId('etat-mandat'))).toContain('Valide jusqu');
    await audit.check(helper);

    // The attestation: a PDF whose text names the person, the structure, the families, and the
    // verification address printed under the QR code; the QR code itself decodes to that address.
    const href = await helper.getByRole('link', { name: /Imprimer l'attestation/ }).getAttribute('href');
    const mandateId = /^\/mandats\/([^/]+)\/attestation\.pdf$/.exec(href ?? '')?.[1];
    expect(mandateId, `attestation link ${href}`).toBeDefined();
    const pdf = await helper.request.get(`${server.url}${href}`);
    expect(pdf.headers()['content-type']).toBe('application/pdf');
    const pdfBytes = await pdf.body();
    const pdfFile = path.join(shots, 'attestation.pdf');
    writeFileSync(pdfFile, pdfBytes);
    const text = execFileSync('pdftotext', ['-layout', pdfFile, '-'], { encoding: 'utf8' });
    expect(text).toContain('Attestation de mandat');
    expect(text).toContain('Angela Claire Louise DUBOIS');
    expect(text).toContain('Centre social du Mourillon');
    expect(text).toContain('Social - Santé ; Logement');
    expect(text).toContain('TEXTE PROVISOIRE');
    const verifyUrl = /(http:\/\/127\.0\.0\.1:\d+\/mandats\/verifier\/[A-Z0-9]{20}-[A-Z0-9]{12})/.exec(
      text.replace(/\s+/g, ''),
    )?.[1];
    expect(verifyUrl).toBeDefined();
    // What a phone's camera reads: the QR code of the rendered page, decoded. It must be the
    // verification address of the mandate just created (its reference signed with the server's
    // key), the same address as the one printed beside it.
    const mandate = await findMandate(server.db, mandateId as string);
    expect(mandate).toBeDefined();
    const expectedUrl = `${server.url}/mandats/verifier/${signedReference(server.config.secretKey, mandate?.reference as string)}`;
    const scanned = await decodePdfQr(pdfBytes);
    expect(scanned).toBe(expectedUrl);
    expect(scanned).toBe(verifyUrl);
    execFileSync('pdftoppm', ['-png', '-r', '80', '-singlefile', pdfFile, path.join(shots, 'attestation')]);

    // The verification page, on a small phone without JavaScript.
    const phone = await browser.newContext({ viewport: { width: 320, height: 640 }, javaScriptEnabled: false });
    const visitor = await phone.newPage();
    await visitor.goto(scanned);
    expect(await textOf(visitor.getByTestId('verification'))).toContain('Ce mandat est valide');
    expect(await textOf(visitor.getByTestId('verification'))).toContain('A. D.');
    expect(await visitor.content()).not.toContain('DUBOIS');
    await noOverflow(visitor);
    audit.violations.push(...(await snapshotViolations(browser, visitor)));
    await visitor.screenshot({ path: path.join(shots, 'verification-valide.png'), fullPage: true });

    // A forged address, while the mandate is still valid: one character of the scanned address
    // changed — in the reference, then in its signature — each to another character of the
    // references' alphabet (so the shape is right and only the signature check can refuse it).
    const forged = await phone.newPage();
    const ref = scanned.slice(scanned.lastIndexOf('/') + 1);
    for (const position of [0, ref.length - 1]) {
      const altered = `${ref.slice(0, position)}${ref[position] === 'Z' ? 'Y' : 'Z'}${ref.slice(position + 1)}`;
      await forged.goto(`${server.url}/mandats/verifier/${altered}`);
      const verdict = await textOf(forged.getByTestId('verification'));
      expect(verdict, altered).toContain("Ce mandat n'est pas valide");
      expect(verdict, altered).not.toContain('Ce mandat est valide');
    }

    // The demo partner service: the helper signs in there on the person's behalf.
    await helper.goto(`${server.url}/dev/partenaire`);
    await audit.check(helper);
    await helper.getByRole('link', { name: /Se connecter pour le compte/ }).click();
    await shown(helper.getByRole('heading', { name: 'Pour qui agissez-vous ?' }));
    await audit.check(helper);
    await helper.getByText(/Angela Claire Louise DUBOIS/).click();
    await helper.getByRole('button', { name: 'Continuer' }).click();
    await shown(helper.getByRole('heading', { name: 'Pour quelle démarche ?' }));
    await audit.check(helper);
    await helper.getByText('Logement', { exact: true }).click();
    await helper.getByRole('button', { name: 'Me connecter pour le compte de cette personne' }).click();
    await shown(helper.getByRole('heading', { name: 'Connexion réussie' }));
    expect(await textOf(helper.getByTestId('partenaire-identite'))).toContain('Angela Claire Louise DUBOIS');
    const delegation = await textOf(helper.getByTestId('partenaire-delegation'));
    expect(delegation).toContain('Centre social du Mourillon');
    expect(delegation).toContain('Démarche : Logement');
    expect(delegation).toContain("rep_scope, jeton d'identité) : Logement");
    expect(delegation).toContain('eidas1');
    await audit.check(helper);
    await helper.screenshot({ path: path.join(shots, 'partenaire-connecte.png'), fullPage: true });

    // A partner answered in form_post: with JavaScript, then on a phone without it.
    await formPostSignIn(helper, true);
    const noScript = await browser.newContext({
      viewport: { width: 320, height: 640 },
      javaScriptEnabled: false,
      storageState: await helper.context().storageState(),
    });
    await formPostSignIn(await noScript.newPage(), false);
    await noScript.close();

    // The person revokes from « Mes mandats » on the phone, without JavaScript.
    const person = await phone.newPage();
    await person.goto(`${server.url}/mes-mandats`);
    await noOverflow(person);
    await person.getByRole('link', { name: /M'identifier avec/ }).click();
    await person.getByRole('button', { name: 'Angela Claire Louise DUBOIS' }).click();
    await shown(person.getByTestId('mon-mandat'));
    expect(await textOf(person.getByTestId('mon-mandat'))).toContain('Centre social du Mourillon');
    // What was done under the mandate: the partner sign-in, with the helper and the family.
    expect(await textOf(person.getByTestId('mon-mandat'))).toContain('Service partenaire de démonstration');
    await noOverflow(person);
    audit.violations.push(...(await snapshotViolations(browser, person)));
    await person.screenshot({ path: path.join(shots, 'mes-mandats.png'), fullPage: true });
    await person.getByRole('button', { name: 'Révoquer' }).click();
    expect(await textOf(person.getByRole('status').or(person.locator('.fr-alert--success')))).toContain(
      'Révocation enregistrée',
    );
    expect(await textOf(person.getByTestId('mon-mandat'))).toContain('Révoqué');

    // The partner sign-in is refused now: nobody to act for, and the partner is told.
    await helper.goto(`${server.url}/dev/partenaire`);
    await helper.getByRole('link', { name: /Se connecter pour le compte/ }).click();
    expect(await textOf(helper.getByTestId('aucune-personne'))).toContain("Aucune personne n'a de mandat valide");
    await audit.check(helper);
    await helper.getByRole('button', { name: 'Annuler et revenir au service' }).click();
    expect(await textOf(helper.getByTestId('partenaire-refus'))).toContain(
      "Passerelle n'a pas autorisé cette connexion",
    );
    await audit.check(helper);

    await visitor.goto(scanned);
    expect(await textOf(visitor.getByTestId('verification'))).toContain("Ce mandat n'est pas valide");
    await noOverflow(visitor);
    await visitor.screenshot({ path: path.join(shots, 'verification-non-valide.png'), fullPage: true });

    expect(audit.violations).toEqual([]);
  }, 240_000);
});
