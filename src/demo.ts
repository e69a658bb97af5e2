/**
 * Demo data across modules, for a newcomer to click around. Created on the first start of an
 * empty embedded database (DEMO_DATA=auto), or on demand (`passerelle demo`); never in production.
 */

import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from './config.ts';
import { countUsers, seedAccountsDemo } from './modules/accounts/index.ts';
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

export async function seedDemo(db: Database, config: Config, clock: Clock): Promise<DemoReport> {
  if (config.env === 'production') {
    return { created: false, lines: ['Données de démonstration refusées : NODE_ENV=production.'] };
  }
  const accounts = await seedAccountsDemo({ db, clock }, false);
  if (!accounts) return { created: false, lines: ['Les données de démonstration existent déjà.'] };
  const lines = [
    'Données de démonstration créées (structures et comptes marqués « Démo »).',
    `Connexion : ${config.publicUrl}/connexion`,
    `Mot de passe de tous les comptes de démonstration : ${accounts.password}`,
    ...accounts.accounts.map((a) => `  - ${a.email} : ${a.description}`),
    `Ces informations sont aussi dans ${path.join(config.dataDir, 'comptes-demo.txt')}.`,
  ];
  writeFileSync(path.join(config.dataDir, 'comptes-demo.txt'), `${lines.join('\n')}\n`, { mode: 0o600 });
  return { created: true, lines };
}
