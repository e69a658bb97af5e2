/**
 * Site module: the home page and the pages every public service owes its users
 * (accessibility statement, legal notice, personal data).
 */
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

function HomePage({ operatorName }: { operatorName: string }) {
  return (
    <>
      <h1>Besoin d'aide pour une démarche en ligne ?</h1>
      <p class="fr-text--lead">
        Impôts, CAF, Assurance maladie, retraite, emploi, titre de séjour… Des personnes peuvent vous aider, près de
        chez vous. C'est souvent gratuit.
      </p>
      <form method="get" action="/lieux" class="fr-mb-6w" role="search">
        <div class="fr-input-group">
          <label class="fr-label" for="accueil-commune">
            Où cherchez-vous de l'aide ?
            <span class="fr-hint-text">Votre ville ou votre code postal, par exemple « Toulon » ou « 83000 »</span>
          </label>
          <input class="fr-input" id="accueil-commune" name="commune" type="text" autocomplete="address-level2" />
        </div>
        <button class="fr-btn fr-icon-search-line fr-btn--icon-left" type="submit">
          Trouver un lieu d'aide
        </button>
      </form>

      <div class="fr-grid-row fr-grid-row--gutters">
        <div class="fr-col-12 fr-col-md-4">
          <h2 class="fr-h4">Faire avec vous</h2>
          <p>Un aidant vous montre comment faire, à votre rythme, pour que vous puissiez le refaire seul.</p>
        </div>
        <div class="fr-col-12 fr-col-md-4">
          <h2 class="fr-h4">Faire pour vous</h2>
          <p>En cas d'urgence, un professionnel habilité peut faire la démarche à votre place, avec votre accord.</p>
        </div>
        <div class="fr-col-12 fr-col-md-4">
          <h2 class="fr-h4">Apprendre</h2>
          <p>Des ateliers pour apprendre à utiliser un ordinateur, un téléphone, une messagerie.</p>
        </div>
      </div>

      <h2 class="fr-mt-6w">Vous êtes un professionnel ?</h2>
      <p>
        Aidants, médiateurs numériques, agents France Services, travailleurs sociaux, structures, prescripteurs et
        financeurs : {operatorName} vous permet de tenir à jour votre lieu, d'orienter les personnes et de suivre l'aide
        apportée.
      </p>
      <a class="fr-btn fr-btn--secondary" href="/connexion">
        Accéder à l'espace professionnel
      </a>
    </>
  );
}

async function siteModule(app: FastifyInstance, opts: { operatorName: string }) {
  const { operatorName } = opts;

  app.get('/', async (_request, reply) =>
    reply.page({ title: "Trouver de l'aide pour ses démarches en ligne" }, <HomePage operatorName={operatorName} />),
  );

  app.get('/accessibilite', async (_request, reply) =>
    reply.page(
      { title: 'Accessibilité' },
      <>
        <h1>Déclaration d'accessibilité</h1>
        <p>
          {operatorName} s'engage à rendre son service accessible, conformément à l'article 47 de la loi n° 2005-102 du
          11 février 2005.
        </p>
        <h2>État de conformité</h2>
        <p>
          Le service est <strong>partiellement conforme</strong> au référentiel général d'amélioration de
          l'accessibilité (RGAA) : chaque page est contrôlée automatiquement (aucune erreur détectée par l'outil axe),
          utilisable au clavier, lisible sur un écran de 320 pixels de large, et les pages destinées au public
          fonctionnent sans JavaScript. Un audit complet par un organisme indépendant reste à conduire.
        </p>
        <h2>Signaler un problème</h2>
        <p>
          Si vous ne pouvez pas accéder à un contenu ou à un service, contactez {operatorName} pour être orienté vers
          une alternative accessible. Vous pouvez aussi saisir le Défenseur des droits.
        </p>
      </>,
    ),
  );

  app.get('/mentions-legales', async (_request, reply) =>
    reply.page(
      { title: 'Mentions légales' },
      <>
        <h1>Mentions légales</h1>
        <p>Ce service est édité par {operatorName}.</p>
        <p>
          Il repose sur Passerelle, logiciel libre publié sous licence MIT, et sur le Système de Design de l'État
          (DSFR).
        </p>
        <p>
          Les informations sur les lieux d'aide proviennent des données ouvertes au format du standard national des
          lieux de médiation numérique.
        </p>
      </>,
    ),
  );

  app.get('/donnees-personnelles', async (_request, reply) =>
    reply.page(
      { title: 'Données personnelles' },
      <>
        <h1>Données personnelles</h1>
        <h2>Si vous cherchez de l'aide</h2>
        <p>
          Vous n'avez pas besoin de compte. La recherche d'un lieu ne dépose aucun cookie et n'enregistre ni votre
          position ni votre adresse : si vous utilisez la position de votre téléphone, elle sert seulement à trier les
          résultats.
        </p>
        <h2>Si vous êtes un professionnel</h2>
        <p>
          Votre compte contient votre nom, votre adresse e-mail et vos rôles. Un cookie de session, nécessaire à la
          connexion, est déposé quand vous vous connectez. Les actions sensibles sont inscrites dans un journal
          infalsifiable. Les sessions expirent après une période d'inactivité et sont supprimées.
        </p>
      </>,
    ),
  );
}

export const sitePlugin = fp(siteModule, { name: 'site' });
