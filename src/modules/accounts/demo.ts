/**
 * Clearly labelled demo organisations and accounts so that a newcomer can click around.
 * Never run in production (checked by the caller and here).
 */
import { randomInt } from 'node:crypto';
import type { Role } from '../../platform/auth/actor.ts';
import { appendJournal } from '../../platform/journal/journal.ts';
import type { AccountsDeps } from './deps.ts';
import { hashPassword } from './passwords.ts';
import { findUserByEmail, insertOrganisation, insertUser, setPlatformAdmin, upsertMembership } from './repository.ts';

export interface DemoAccount {
  email: string;
  description: string;
  /** For the demo seeds of other modules that act as this account (people, support…). */
  userId: string;
}

export interface DemoOrganisations {
  coordination: string;
  mediatheque: string;
  ccas: string;
  /** The second territory (Vaucluse, 84): its coordination, its funder and one structure. */
  coordination84: string;
  funder84: string;
  structure84: string;
}

function demoPassword(): string {
  const words = ['pont', 'phare', 'olivier', 'cigale', 'calanque', 'mistral', 'lavande', 'galet', 'port', 'colline'];
  const pick = () => words[randomInt(words.length)];
  return `demo-${pick()}-${pick()}-${randomInt(1000, 9999)}`;
}

export async function seedAccountsDemo(
  deps: Pick<AccountsDeps, 'db' | 'clock'>,
  production: boolean,
): Promise<{ password: string; accounts: DemoAccount[]; organisations: DemoOrganisations } | undefined> {
  if (production) throw new Error('Demo data is never created in production');
  if (await findUserByEmail(deps.db, 'admin@demo.passerelle.localhost')) return undefined;
  const password = demoPassword();
  const hash = await hashPassword(password);
  return deps.db.transaction(async (tx) => {
    // Two territories (ADR 0009): the Var (83) and the Vaucluse (84), each organisation with its own.
    const organisation = (name: string, kind: string, departements: string[], communes: string[] = []) =>
      insertOrganisation(tx, { name, kind, siret: null, isDemo: true, territory: { departements, communes } });
    const coordination = await organisation('Démo — Département du Var', 'collectivite', ['83']);
    const mediatheque = await organisation('Démo — Médiathèque du Port', 'association', [], ['83137']);
    const ccas = await organisation('Démo — CCAS de la Colline', 'collectivite', [], ['83137']);
    const coordination84 = await organisation('Démo — Département de Vaucluse', 'collectivite', ['84']);
    const funder84 = await organisation('Démo — Fondation Vaucluse numérique', 'entreprise', ['84']);
    const structure84 = await organisation("Démo — Espace numérique d'Avignon", 'association', [], ['84007']);
    const people: Array<{
      email: string;
      name: string;
      org?: string;
      role?: Role;
      habilite?: boolean;
      admin?: boolean;
      description: string;
    }> = [
      {
        email: 'admin@demo.passerelle.localhost',
        name: 'Alice Admin (démo)',
        admin: true,
        description: 'administratrice de la plateforme (double authentification à configurer)',
      },
      {
        email: 'coordination@demo.passerelle.localhost',
        name: 'Claire Coordinatrice (démo)',
        org: coordination.id,
        role: 'coordinateur',
        description: 'coordinatrice territoriale dans le Var (83)',
      },
      {
        email: 'financeur@demo.passerelle.localhost',
        name: 'Fabien Financeur (démo)',
        org: coordination.id,
        role: 'financeur',
        description: 'financeur',
      },
      {
        email: 'responsable@demo.passerelle.localhost',
        name: 'Rachid Responsable (démo)',
        org: mediatheque.id,
        role: 'responsable',
        description: 'responsable de la médiathèque',
      },
      {
        email: 'aidant@demo.passerelle.localhost',
        name: 'Amina Aidante (démo)',
        org: mediatheque.id,
        role: 'aidant',
        habilite: true,
        description: 'aidante habilitée (double authentification à configurer)',
      },
      {
        email: 'prescripteur@demo.passerelle.localhost',
        name: 'Paul Prescripteur (démo)',
        org: ccas.id,
        role: 'prescripteur',
        description: 'prescripteur au CCAS',
      },
      {
        email: 'coordination-84@demo.passerelle.localhost',
        name: 'Victor Coordinateur Vaucluse (démo)',
        org: coordination84.id,
        role: 'coordinateur',
        description: 'coordinateur territorial en Vaucluse (84)',
      },
      {
        email: 'financeur-84@demo.passerelle.localhost',
        name: 'Valérie Financeuse Vaucluse (démo)',
        org: funder84.id,
        role: 'financeur',
        description: 'financeuse du programme de Vaucluse',
      },
      {
        email: 'responsable-84@demo.passerelle.localhost',
        name: 'Vincent Responsable Avignon (démo)',
        org: structure84.id,
        role: 'responsable',
        description: "responsable de l'espace numérique d'Avignon",
      },
    ];
    const userIds = new Map<string, string>();
    for (const p of people) {
      const user = await insertUser(tx, {
        email: p.email,
        displayName: p.name,
        passwordHash: hash,
        isPlatformAdmin: false,
        isDemo: true,
      });
      userIds.set(p.email, user.id);
      if (p.admin) await setPlatformAdmin(tx, user.id, true);
      if (p.org && p.role) {
        await upsertMembership(tx, {
          userId: user.id,
          organisationId: p.org,
          role: p.role,
          canActOnBehalf: p.habilite ?? false,
        });
      }
    }
    await appendJournal(tx, deps.clock, { action: 'demo.donnees_creees', details: { comptes: people.length } });
    return {
      password,
      accounts: people.map((p) => ({ email: p.email, description: p.description, userId: userIds.get(p.email) ?? '' })),
      organisations: {
        coordination: coordination.id,
        mediatheque: mediatheque.id,
        ccas: ccas.id,
        coordination84: coordination84.id,
        funder84: funder84.id,
        structure84: structure84.id,
      },
    };
  });
}
