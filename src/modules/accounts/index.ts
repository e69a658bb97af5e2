/**
 * Accounts module: organisations (structures), people, roles per organisation, sign-in
 * (password + second factor, OpenID Connect), invitations, password reset.
 * Public surface: the Fastify plugin and the functions other parts of the app may call.
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Config } from '../../config.ts';
import type { SignInThrottle } from '../../platform/auth/sign-in-throttle.ts';
import type { TerritoryGazetteer } from '../../platform/auth/territory.ts';
import type { AccountsDeps } from './deps.ts';
import type { OidcClient } from './oidc-login.ts';
import { accountRoutes } from './routes-account.tsx';
import { loginRoutes } from './routes-login.tsx';
import { organisationRoutes } from './routes-organisations.tsx';
import { territoryRoutes } from './routes-territory.tsx';

export { createAdministrator } from './create-administrator.ts';
export { type DemoAccount, type DemoOrganisations, seedAccountsDemo } from './demo.ts';
export type { AccountsDeps } from './deps.ts';
export { loadUser } from './load-user.ts';
export { OidcClient } from './oidc-login.ts';
export { organisationDirectory } from './organisation-directory.ts';
export { countUsers } from './repository.ts';
export { isValidSiret, normaliseSiret, siretProblem } from './siret.ts';

async function accountsModule(
  app: FastifyInstance,
  opts: {
    deps: AccountsDeps;
    config: Config;
    oidc: OidcClient | undefined;
    signInThrottle: SignInThrottle;
    /** The gazetteer behind organisations' territories (the lieux module's, wired in app.ts). */
    territories: TerritoryGazetteer;
  },
) {
  loginRoutes(app, opts);
  accountRoutes(app, opts);
  organisationRoutes(app, opts);
  territoryRoutes(app, opts);
}

export const accountsPlugin = fp(accountsModule, { name: 'accounts' });
