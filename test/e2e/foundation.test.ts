/**
 * Foundation journeys in a real browser: an administrator signs in with a second factor,
 * creates a structure and invites its manager, who joins and signs in; then "log out
 * everywhere". Every page visited passes axe; public pages also work without JavaScript.
 */
import * as OTPAuth from 'otpauth';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdministrator } from '../../src/modules/accounts/index.ts';
import {
  Audit,
  axeViolations,
  freePort,
  launchBrowser,
  type RunningApp,
  shown,
  startApp,
  textOf,
} from '../support/e2e.ts';
import { type LocalProvider, startOidcProvider } from '../support/oidc-provider.ts';

let server: RunningApp;
let provider: LocalProvider;
let browser: Browser;
const PASSWORD = 'une phrase de passe solide';

function totp(secret: string): string {
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret.replace(/\s/g, '')) }).generate({
    timestamp: server.clock.now().getTime(),
  });
}

async function latestMailLink(page: Page, recipient: string): Promise<string> {
  await page.goto(`${server.url}/dev/boite-mail`);
  const mail = page.getByTestId('dev-mail').filter({ hasText: recipient }).first();
  await mail.waitFor();
  return (await mail.locator('a').first().getAttribute('href')) as string;
}

beforeAll(async () => {
  const port = await freePort();
  provider = await startOidcProvider({ redirectUris: [`http://127.0.0.1:${port}/connexion/proconnect/retour`] });
  server = await startApp(
    {
      OIDC_PRO_ISSUER: provider.issuer,
      OIDC_PRO_CLIENT_ID: provider.clientId,
      OIDC_PRO_CLIENT_SECRET: provider.clientSecret,
    },
    port,
  );
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await provider?.close();
});

describe('foundation journey', () => {
  it('admin with TOTP invites a manager who joins; log out everywhere', async () => {
    const audit = new Audit();
    const deps = {
      db: server.db,
      clock: server.clock.now,
      secretKey: server.config.secretKey,
      operatorName: server.config.operatorName,
      publicUrl: server.config.publicUrl,
    };
    const { passwordLink } = await createAdministrator(deps, { email: 'admin@exemple.fr', displayName: 'Alice Admin' });

    const adminContext = await browser.newContext();
    const admin = await adminContext.newPage();

    // The link printed by `passerelle users create`: choose the password.
    await admin.goto(passwordLink);
    await audit.check(admin);
    await admin.getByLabel('Nouveau mot de passe').fill(PASSWORD);
    await admin.getByLabel('Confirmez le mot de passe').fill(PASSWORD);
    await admin.getByRole('button', { name: 'Enregistrer le mot de passe' }).click();
    await shown(admin.getByText('Votre mot de passe est enregistré'));

    // Home page, then sign in.
    await admin.goto(server.url);
    await audit.check(admin);
    await admin.getByRole('link', { name: 'Espace professionnel', exact: true }).click();
    await audit.check(admin);
    await admin.getByLabel('Adresse e-mail').fill('admin@exemple.fr');
    await admin.getByLabel('Mot de passe', { exact: true }).fill('mauvais mot de passe');
    await admin.getByRole('button', { name: 'Se connecter' }).click();
    expect(await textOf(admin.getByRole('alert'))).toContain('Adresse e-mail ou mot de passe incorrect.');
    await audit.check(admin);
    await admin.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
    await admin.getByRole('button', { name: 'Se connecter' }).click();

    // Administrators must set up the second factor before anything else.
    await shown(admin.getByRole('heading', { name: 'Configurer la double authentification' }));
    await audit.check(admin);
    const secret = (await admin.getByTestId('totp-secret').textContent()) as string;
    await admin.getByLabel('Code à 6 chiffres').fill('123456');
    await admin.getByRole('button', { name: 'Activer' }).click();
    expect(await textOf(admin.getByRole('alert'))).toContain("Ce code n'est pas le bon");
    await admin.getByLabel('Code à 6 chiffres').fill(totp(secret));
    await admin.getByRole('button', { name: 'Activer' }).click();
    await shown(admin.getByTestId('recovery-codes').locator('li'));
    expect(await admin.getByTestId('recovery-codes').locator('li').count()).toBe(10);
    await audit.check(admin);
    await admin.getByRole('link', { name: "J'ai noté mes codes, continuer" }).click();
    await audit.check(admin);

    // Create a structure and invite its manager.
    await admin.getByRole('link', { name: 'Structures' }).click();
    await audit.check(admin);
    await admin.getByLabel('Nom de la structure').fill('Médiathèque du Centre');
    await admin.getByLabel('Type de structure').selectOption('association');
    await admin.getByLabel('SIRET').fill('12345678901234');
    await admin.getByRole('button', { name: 'Créer la structure' }).click();
    expect(await textOf(admin.getByRole('alert'))).toContain("Ce SIRET n'existe pas");
    await audit.check(admin);
    expect(await admin.getByLabel('Nom de la structure').inputValue()).toBe('Médiathèque du Centre');
    await admin.getByLabel('SIRET').fill('732 829 320 00074');
    await admin.getByRole('button', { name: 'Créer la structure' }).click();
    await shown(admin.getByRole('heading', { name: 'Médiathèque du Centre' }));
    await audit.check(admin);
    await admin.getByLabel('Adresse e-mail de la personne').fill('rose@exemple.fr');
    await admin.getByLabel('Rôle dans la structure').selectOption('responsable');
    await admin.getByRole('button', { name: "Envoyer l'invitation" }).click();
    await shown(admin.getByText('Invitation envoyée à rose@exemple.fr'));
    await audit.check(admin);

    // The manager receives the e-mail, creates an account and joins.
    const link = await latestMailLink(admin, 'rose@exemple.fr');
    await audit.check(admin);
    const roseContext = await browser.newContext();
    const rose = await roseContext.newPage();
    await rose.goto(link);
    await audit.check(rose);
    await rose.getByLabel('Vos prénom et nom').fill('Rose Responsable');
    await rose.getByLabel('Nouveau mot de passe').fill('ma phrase de passe');
    await rose.getByLabel('Confirmez le mot de passe').fill('ma phrase de passe');
    await rose.getByRole('button', { name: 'Créer mon compte et rejoindre la structure' }).click();
    await shown(rose.getByRole('heading', { name: 'Bonjour Rose Responsable' }));
    await audit.check(rose);
    await rose.getByRole('button', { name: 'Se déconnecter' }).click();
    await rose.getByRole('link', { name: 'Espace professionnel', exact: true }).click();
    await rose.getByLabel('Adresse e-mail').fill('rose@exemple.fr');
    await rose.getByLabel('Mot de passe', { exact: true }).fill('ma phrase de passe');
    await rose.getByRole('button', { name: 'Se connecter' }).click();
    await shown(rose.getByRole('link', { name: 'Médiathèque du Centre' }));
    await rose.getByRole('link', { name: 'Médiathèque du Centre' }).click();
    await shown(rose.getByRole('cell', { name: /Rose Responsable/ }));
    await audit.check(rose);

    // A second device of the administrator, then "log out everywhere" from the first.
    const secondContext = await browser.newContext();
    const second = await secondContext.newPage();
    await second.goto(`${server.url}/connexion`);
    await second.getByLabel('Adresse e-mail').fill('admin@exemple.fr');
    await second.getByLabel('Mot de passe', { exact: true }).fill(PASSWORD);
    await second.getByRole('button', { name: 'Se connecter' }).click();
    await audit.check(second);
    // The code used at enrolment cannot be replayed; the next one works.
    await second.getByLabel('Code à 6 chiffres').fill(totp(secret));
    await second.getByRole('button', { name: 'Valider' }).click();
    expect(await textOf(second.getByRole('alert'))).toContain('Ce code a déjà servi');
    server.clock.advance(30_000);
    await second.getByLabel('Code à 6 chiffres').fill(totp(secret));
    await second.getByRole('button', { name: 'Valider' }).click();
    await shown(second.getByRole('heading', { name: 'Bonjour Alice Admin' }));

    await admin.goto(`${server.url}/compte`);
    await shown(admin.getByText('(cet appareil)'));
    await audit.check(admin);
    await admin.getByRole('button', { name: 'Se déconnecter de tous les appareils' }).click();
    await shown(admin.getByText('Vous êtes déconnecté de tous vos appareils.'));
    await second.goto(`${server.url}/espace`);
    await second.waitForURL(/\/connexion/);

    expect(audit.violations).toEqual([]);
    expect(audit.visited.length).toBeGreaterThanOrEqual(15);
    await Promise.all([adminContext.close(), roseContext.close(), secondContext.close()]);
  });

  it('signs a professional in through the OpenID Connect provider', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    // Rose exists since the previous journey; an unknown address is refused clearly.
    await page.goto(`${server.url}/connexion`);
    await page.getByRole('link', { name: 'Se connecter avec ProConnect' }).click();
    await page.locator('input[name=login]').fill('inconnu@exemple.fr');
    await page.locator('input[name=password]').fill('peu importe');
    await page.locator('button[type=submit]').click();
    await page.locator('button[type=submit]').click(); // consent
    expect(await textOf(page.getByRole('alert'))).toContain(
      "Aucun compte n'est associé à l'adresse inconnu@exemple.fr",
    );

    await context.clearCookies();
    await page.goto(`${server.url}/connexion`);
    await page.getByRole('link', { name: 'Se connecter avec ProConnect' }).click();
    await page.locator('input[name=login]').fill('rose@exemple.fr');
    await page.locator('input[name=password]').fill('peu importe');
    await page.locator('button[type=submit]').click();
    await page.locator('button[type=submit]').click();
    await shown(page.getByRole('heading', { name: 'Bonjour Rose Responsable' }));
    await context.close();
  });

  it('serves public pages without JavaScript, at 320 px, with no axe violation', async () => {
    const noJs = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 320, height: 640 } });
    const withJs = await browser.newContext({ viewport: { width: 320, height: 640 } });
    const page = await noJs.newPage();
    const auditPage = await withJs.newPage();
    const violations: string[] = [];
    for (const path of [
      '/',
      '/connexion',
      '/mot-de-passe-oublie',
      '/accessibilite',
      '/mentions-legales',
      '/donnees-personnelles',
      '/page-inexistante',
    ]) {
      const response = await page.goto(`${server.url}${path}`);
      expect(response?.status()).toBe(path === '/page-inexistante' ? 404 : 200);
      await shown(page.locator('main h1'));
      const width = await page.evaluate(() => document.documentElement.scrollWidth);
      expect(width, `${path} is wider than the screen`).toBeLessThanOrEqual(320);
      await auditPage.goto(`${server.url}${path}`);
      violations.push(...(await axeViolations(auditPage)));
    }
    // The home search works without JavaScript: a plain GET form.
    await page.goto(server.url);
    await page.getByLabel("Où cherchez-vous de l'aide ?").fill('83000');
    await page.getByRole('button', { name: "Trouver un lieu d'aide" }).click();
    expect(page.url()).toContain('/lieux?commune=83000');
    expect(violations).toEqual([]);
    await Promise.all([noJs.close(), withJs.close()]);
  });
});
