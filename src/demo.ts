/**
 * Demo data across modules, for a newcomer to click around. Created on the first start of an
 * empty embedded database (DEMO_DATA=auto), or on demand (`passerelle demo`); never in production.
 */

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from './config.ts';
import { countUsers, type DemoAccount, loadUser, seedAccountsDemo } from './modules/accounts/index.ts';
import { assignPlace, importCommunes, importPlaces, placesNear } from './modules/lieux/index.ts';
import { seedMandatesDemo } from './modules/mandates/index.ts';
import { seedOrientationDemo } from './modules/orientation/index.ts';
import { seedPassDemo } from './modules/pass/index.ts';
import { seedPeopleDemo } from './modules/people/index.ts';
import { seedSupportDemo } from './modules/support/index.ts';
import { type Actor, commandLineActor } from './platform/auth/actor.ts';
import type { Clock } from './platform/clock.ts';
import type { Database } from './platform/db/database.ts';

export interface DemoReport {
  created: boolean;
  lines: string[];
}

export async function shouldSeedDemoOnStart(db: Database, config: Config): Promise<boolean> {
  if (config.env === 'production' || config.demoData === 'non') return false;
  if (config.demoData === 'oui') return true;
  return db.engine === 'pglite' && (await countUsers(db)) === 0;
}

export async function seedDemo(
  db: Database,
  config: Config,
  clock: Clock,
  progress: (line: string) => void = () => {},
): Promise<DemoReport> {
  if (config.env === 'production') {
    return { created: false, lines: ['Données de démonstration refusées : NODE_ENV=production.'] };
  }
  progress('Données de démonstration : structures et comptes…');
  const accounts = await seedAccountsDemo({ db, clock }, false);
  if (!accounts) return { created: false, lines: ['Les données de démonstration existent déjà.'] };
  progress('Données de démonstration : communes et lieux de la région PACA (le plus long)…');
  const places = await seedPlaces(db, clock, config.demoDataDir, accounts.organisations);
  progress('Données de démonstration : Pass numérique…');
  const pass = await seedPassDemo(
    { db, clock, publicUrl: config.publicUrl, operatorName: config.operatorName },
    accounts.organisations,
    places.placeIds,
    places.placeIds84,
    await demoActor(db, accounts.accounts, 'prescripteur@demo.passerelle.localhost'),
  );
  const orientation = await seedOrientationDemo(
    { db, clock },
    { prescriberOrganisationId: accounts.organisations.ccas, placeIds: places.placeIds },
  );
  progress('Données de démonstration : personnes accompagnées…');
  const people = await seedPeopleDemo(
    { db, clock },
    {
      mediatheque: {
        actor: await demoActor(db, accounts.accounts, 'aidant@demo.passerelle.localhost'),
        organisationId: accounts.organisations.mediatheque,
      },
      ccas: {
        actor: await demoActor(db, accounts.accounts, 'prescripteur@demo.passerelle.localhost'),
        organisationId: accounts.organisations.ccas,
      },
      avignon: {
        actor: await demoActor(db, accounts.accounts, 'responsable-84@demo.passerelle.localhost'),
        organisationId: accounts.organisations.structure84,
      },
    },
  );
  progress('Données de démonstration : accompagnements…');
  const helper = (email: string) => accounts.accounts.find((a) => a.email === email)?.userId as string;
  const support = await seedSupportDemo(
    { db, clock },
    [
      {
        userId: helper('aidant@demo.passerelle.localhost'),
        organisationId: accounts.organisations.mediatheque,
        departement: '83',
        sessions: 700,
      },
      {
        userId: helper('responsable@demo.passerelle.localhost'),
        organisationId: accounts.organisations.mediatheque,
        departement: '83',
        sessions: 300,
      },
      {
        userId: helper('responsable-84@demo.passerelle.localhost'),
        organisationId: accounts.organisations.structure84,
        departement: '84',
        sessions: 400,
      },
    ],
    [
      {
        people: { db, clock, secretKey: config.secretKey },
        actor: await demoActor(db, accounts.accounts, 'aidant@demo.passerelle.localhost'),
        organisationId: accounts.organisations.mediatheque,
        count: 40,
      },
    ],
  );
  progress('Données de démonstration : habilitations aux mandats…');
  const aidant = await demoActor(db, accounts.accounts, 'aidant@demo.passerelle.localhost');
  const coordinator = await demoActor(db, accounts.accounts, 'coordination@demo.passerelle.localhost');
  const mediatheque = aidant.memberships.find((m) => m.organisationId === accounts.organisations.mediatheque);
  const mandates = mediatheque
    ? await seedMandatesDemo(
        { db, clock, secretKey: config.secretKey, publicUrl: config.publicUrl },
        {
          coordinator,
          structure: { id: mediatheque.organisationId, territory: mediatheque.territory },
          helperUserId: aidant.userId,
        },
      )
    : '';
  const lines = [
    'Données de démonstration créées (structures et comptes marqués « Démo »).',
    places.line,
    pass,
    orientation,
    people,
    support,
    mandates,
    `Connexion : ${config.publicUrl}/connexion`,
    `Mot de passe de tous les comptes de démonstration : ${accounts.password}`,
    ...accounts.accounts.map((a) => `  - ${a.email} : ${a.description}`),
    `Ces informations sont aussi dans ${path.join(config.dataDir, 'comptes-demo.txt')}.`,
  ];
  writeFileSync(path.join(config.dataDir, 'comptes-demo.txt'), `${lines.join('\n')}\n`, { mode: 0o600 });
  return { created: true, lines };
}

/** Public files beside the project (the postcode base, a real regional export of places). */
/** A demo account as the actor of other modules' demo use cases. */
async function demoActor(db: Database, accounts: DemoAccount[], email: string): Promise<Actor> {
  const account = accounts.find((a) => a.email === email);
  const loaded = account ? await loadUser(db, account.userId) : undefined;
  if (!loaded) throw new Error(`demo account ${email} missing`);
  return { ...loaded.actor, sessionId: 'demo' };
}

async function seedPlaces(
  db: Database,
  clock: Clock,
  dir: string,
  organisations: { mediatheque: string; structure84: string },
): Promise<{ line: string; placeIds: string[]; placeIds84: string[] }> {
  const communes = path.join(dir, 'communes', 'laposte_hexasmal.csv');
  const lieux = path.join(dir, 'lieux', 'lieux-paca-2023-05-17.json');
  if (!existsSync(communes) || !existsSync(lieux)) {
    return {
      line: `Aucun lieu de démonstration (fichiers absents de ${dir}) : importez-les avec « npx passerelle import communes … » puis « import lieux … ».`,
      placeIds: [],
      placeIds84: [],
    };
  }
  const deps = { db, clock };
  const c = await importCommunes(deps, commandLineActor, readFileSync(communes), path.basename(communes));
  const report = await importPlaces(deps, commandLineActor, readFileSync(lieux), {
    fileName: path.basename(lieux),
    dryRun: false,
  });
  // A few places near Toulon are kept up to date by the demo médiathèque.
  const near = await placesNear(db, 43.1242, 5.928, 3);
  for (const place of near) {
    await assignPlace(deps, commandLineActor, place.id, organisations.mediatheque, async () => true);
  }
  // And one in Avignon by the demo structure of the second territory (Vaucluse).
  const avignon = await placesNear(db, 43.9493, 4.8055, 1);
  for (const place of avignon) {
    await assignPlace(deps, commandLineActor, place.id, organisations.structure84, async () => true);
  }
  return {
    line: `Lieux de démonstration : ${report.summary.created} lieux de la région PACA et ${c.communes} communes importés (essayez /lieux?commune=Toulon).`,
    placeIds: near.map((p) => p.id),
    placeIds84: avignon.map((p) => p.id),
  };
}
