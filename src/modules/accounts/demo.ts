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
}

export interface DemoOrganisations {
  coordination: string;
  mediatheque: string;
  ccas: string;
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
    const coordination = await insertOrganisation(tx, {
      name: 'Démo — Département du Var',
      kind: 'collectivite',
      siret: null,
      isDemo: true,
    });
    const mediatheque = await insertOrganisation(tx, {
      name: 'Démo — Médiathèque du Port',
      kind: 'association',
      siret: null,
      isDemo: true,
    });
    const ccas = await insertOrganisation(tx, {
      name: 'Démo — CCAS de la Colline',
      kind: 'collectivite',
      siret: null,
      isDemo: true,
    });
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
        description: 'coordinatrice territoriale',
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
    ];
    for (const p of people) {
      const user = await insertUser(tx, {
        email: p.email,
        displayName: p.name,
        passwordHash: hash,
        isPlatformAdmin: false,
        isDemo: true,
      });
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
      accounts: people.map((p) => ({ email: p.email, description: p.description })),
      organisations: { coordination: coordination.id, mediatheque: mediatheque.id, ccas: ccas.id },
    };
  });
}
