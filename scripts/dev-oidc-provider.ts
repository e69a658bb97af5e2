/**
 * A local OpenID Connect provider standing in for ProConnect during development:
 *   npm run oidc:dev   (then start the app with the three OIDC_PRO_* variables it prints)
 * Its login form accepts any password; the login typed is the e-mail address sent back.
 */
import { startOidcProvider } from '../test/support/oidc-provider.ts';

const appUrl = (process.env.PUBLIC_URL ?? 'http://localhost:3000').replace(/\/$/, '');
const port = Number(process.env.OIDC_DEV_PORT ?? 3900);
const provider = await startOidcProvider({ redirectUris: [`${appUrl}/connexion/proconnect/retour`], port });
console.log(`Fournisseur OpenID Connect local sur ${provider.issuer}`);
console.log('Démarrez Passerelle avec :');
console.log(
  `  OIDC_PRO_ISSUER=${provider.issuer} OIDC_PRO_CLIENT_ID=${provider.clientId} OIDC_PRO_CLIENT_SECRET=${provider.clientSecret} npm start`,
);
console.log(
  "Sur sa page de connexion, saisissez l'adresse e-mail d'un compte Passerelle existant et n'importe quel mot de passe.",
);
