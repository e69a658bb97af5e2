/**
 * `passerelle signing-keys …`: the two-step rotation of the signing keys of the OpenID Connect
 * providers the app serves (platform/identity/signing-keys.ts, procedure in docs/mandats.md).
 * Each step is one transaction with its journal entry; private parts are never printed.
 */
import { parseArgs } from 'node:util';
import { type Clock, systemClock } from '../platform/clock.ts';
import { dropRetiredKeys, prepareNextKey, promoteNextKey, signingKeysOf } from '../platform/identity/signing-keys.ts';
import { appendJournal } from '../platform/journal/journal.ts';
import type { CliContext, Command } from './main.ts';

/** A key prepared less than this long ago is not promoted without --sans-attendre. */
export const MIN_PUBLISHED_HOURS = 24;
const LABELS: Record<string, string> = { current: 'signe', next: 'préparée', retired: 'retirée' };

function providerOf(ctx: CliContext, args: string[], extra: Record<string, { type: 'string' | 'boolean' }> = {}) {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args, options: { provider: { type: 'string' }, ...extra } }).values;
  } catch (error) {
    // An option without its value (« --retired-days -1 ») or an unknown one: said, not thrown.
    ctx.err(
      `${(error as Error).message.split('\n')[0]} Options : --provider NOM ${Object.keys(extra)
        .map((o) => `--${o}`)
        .join(' ')}`.trim(),
    );
    return undefined;
  }
  const provider = values.provider as string | undefined;
  if (!provider || !/^[a-z0-9][a-z0-9_-]{0,39}$/.test(provider)) {
    ctx.err('Indiquez le fournisseur, par exemple : --provider dev-franceconnect (voir « signing-keys status »).');
    return undefined;
  }
  return { provider, values };
}

const when = (d: Date) => d.toISOString().replace('T', ' ').slice(0, 16);

/** The commands, on a given clock (tests move it past the waiting times). */
export function identityCommandsWith(clock: Clock): Record<string, Command> {
  return {
    'signing-keys status': {
      usage: 'signing-keys status [--provider NOM]',
      summary: 'liste les clés de signature des fournisseurs OpenID Connect servis (sans leur partie privée)',
      async run({ db, args, out }) {
        const { values } = parseArgs({ args, options: { provider: { type: 'string' } } });
        const keys = await signingKeysOf(db, values.provider);
        if (keys.length === 0) out('Aucune clé de signature enregistrée.');
        for (const k of keys)
          out(
            `${k.provider}  ${k.kid}  ${LABELS[k.state] ?? k.state}  créée ${when(k.createdAt)} UTC, état depuis ${when(k.changedAt)} UTC`,
          );
        return 0;
      },
    },
    'signing-keys prepare': {
      usage: 'signing-keys prepare --provider NOM',
      summary: 'rotation, étape 1 : publie une nouvelle clé qui ne signe pas encore',
      async run(ctx) {
        const p = providerOf(ctx, ctx.args);
        if (!p) return 2;
        const kid = await ctx.db.transaction(async (tx) => {
          const id = await prepareNextKey(tx, clock, ctx.config.secretKey, p.provider);
          await appendJournal(tx, clock, {
            action: 'identite.cle_signature_preparee',
            targetType: 'cle_signature',
            targetId: null,
            details: { fournisseur: p.provider, kid: id },
          });
          return id;
        });
        ctx.out(`Nouvelle clé publiée pour ${p.provider} : ${kid} (elle ne signe pas encore).`);
        ctx.out(
          `Redémarrez chaque instance, attendez que les services partenaires aient relu le JWKS (au moins ${MIN_PUBLISHED_HOURS} h), puis : npx passerelle signing-keys promote --provider ${p.provider}`,
        );
        return 0;
      },
    },
    'signing-keys promote': {
      usage: 'signing-keys promote --provider NOM [--sans-attendre]',
      summary: 'rotation, étape 2 : la clé préparée signe, l’ancienne reste publiée (retirée)',
      async run(ctx) {
        const p = providerOf(ctx, ctx.args, { 'sans-attendre': { type: 'boolean' } });
        if (!p) return 2;
        const next = (await signingKeysOf(ctx.db, p.provider)).find((k) => k.state === 'next');
        if (!next) {
          ctx.err(
            `Aucune clé préparée pour ${p.provider} : lancez d’abord « signing-keys prepare --provider ${p.provider} ».`,
          );
          return 1;
        }
        const age = clock().getTime() - next.createdAt.getTime();
        if (age < MIN_PUBLISHED_HOURS * 3_600_000 && !p.values['sans-attendre']) {
          ctx.err(
            `La clé ${next.kid} n’est publiée que depuis ${Math.floor(age / 60_000)} min : les services partenaires ne la connaissent peut-être pas encore. Attendez ${MIN_PUBLISHED_HOURS} h ou ajoutez --sans-attendre.`,
          );
          return 1;
        }
        await ctx.db.transaction(async (tx) => {
          if (!(await promoteNextKey(tx, clock, p.provider))) throw new Error('prepared key vanished');
          await appendJournal(tx, clock, {
            action: 'identite.cle_signature_promue',
            targetType: 'cle_signature',
            details: { fournisseur: p.provider, kid: next.kid },
          });
        });
        ctx.out(
          `La clé ${next.kid} signe désormais pour ${p.provider} ; l’ancienne reste publiée pour vérifier les jetons déjà émis.`,
        );
        ctx.out(
          `Redémarrez chaque instance. Quand les jetons les plus longs ont expiré : npx passerelle signing-keys drop --provider ${p.provider} --retired-days 1`,
        );
        return 0;
      },
    },
    'signing-keys drop': {
      usage: 'signing-keys drop --provider NOM --retired-days N',
      summary: 'rotation, étape 3 : supprime les clés retirées depuis plus de N jours',
      async run(ctx) {
        const p = providerOf(ctx, ctx.args, { 'retired-days': { type: 'string' } });
        if (!p) return 2;
        const raw = p.values['retired-days'];
        const days = typeof raw === 'string' && /^\d{1,4}$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
        if (!Number.isInteger(days) || days < 1 || days > 3650) {
          ctx.err('Indiquez depuis combien de jours les clés sont retirées, entre 1 et 3650 : --retired-days 1');
          return 2;
        }
        const before = new Date(clock().getTime() - days * 86_400_000);
        const dropped = await ctx.db.transaction(async (tx) => {
          const n = await dropRetiredKeys(tx, p.provider, before);
          if (n > 0)
            await appendJournal(tx, clock, {
              action: 'identite.cles_signature_supprimees',
              targetType: 'cle_signature',
              details: { fournisseur: p.provider, nombre: n, retirees_avant: before.toISOString() },
            });
          return n;
        });
        ctx.out(
          dropped === 0
            ? `Aucune clé retirée depuis plus de ${days} jour(s) pour ${p.provider}.`
            : `${dropped} clé(s) retirée(s) supprimée(s) pour ${p.provider}.`,
        );
        return 0;
      },
    },
  };
}

export const identityCommands = identityCommandsWith(systemClock);
