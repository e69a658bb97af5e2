/**
 * The lieux module's side of the TerritoryGazetteer port (platform/auth/territory.ts): what an
 * administrator typed for an organisation's territory — départements and communes by name or
 * number, never INSEE codes required — checked against the gazetteer and turned into codes;
 * and a stored territory in words. app.ts hands it to the accounts module, which does not
 * depend on lieux.
 */
import {
  normaliseTerritory,
  type Territory,
  type TerritoryDescription,
  type TerritoryGazetteer,
  type TerritoryResolution,
} from '../../../platform/auth/territory.ts';
import type { Queryable } from '../../../platform/db/database.ts';
import { foldText } from '../text.ts';
import { communesByInsee } from './communes-repository.ts';
import { departementName, departements } from './departements.ts';
import { resolveLocation } from './resolve-location.ts';

const items = (input: string) =>
  input
    .split(/[,;\n\r]+/)
    .map((x) => x.trim())
    .filter(Boolean);

const departementByName = new Map(Object.entries(departements).map(([code, name]) => [foldText(name), code]));

function departementCode(item: string): string | undefined {
  const inParentheses = /\(([0-9]{2,3}|2[AaBb])\)/.exec(item)?.[1];
  const candidate = (inParentheses ?? item).trim().toUpperCase();
  if (candidate in departements) return candidate;
  if (/^\d$/.test(candidate) && `0${candidate}` in departements) return `0${candidate}`;
  return departementByName.get(foldText(item.replace(/\([^)]*\)/g, '')));
}

async function communeCode(db: Queryable, item: string): Promise<{ code?: string; problem?: string }> {
  const inseeInParentheses = /\((\d[\dAB]\d{3})\)/i.exec(item)?.[1];
  const insee = inseeInParentheses ?? (/^(\d[\dAB]\d{3})$/i.test(item) ? item : undefined);
  if (insee && !/^\d{5}$/.test(item)) {
    const found = await communesByInsee(db, insee.toUpperCase());
    return found.length > 0 ? { code: insee.toUpperCase() } : { problem: `commune inconnue : ${item}` };
  }
  const location = await resolveLocation(db, item);
  if (location.kind === 'ambiguous') {
    return {
      problem: `plusieurs communes pour « ${item} » : précisez le code postal (${location.candidates
        .slice(0, 3)
        .map((c) => c.label)
        .join(', ')})`,
    };
  }
  if (location.kind === 'unknown') return { problem: `commune inconnue : ${item}` };
  const codes = [...new Set(location.codesInsee)];
  if (codes.length === 1) return { code: codes[0] as string };
  // A postcode shared by several communes: the one whose INSEE code it is, if any, else ask.
  if (/^\d{5}$/.test(item) && (await communesByInsee(db, item)).length > 0) return { code: item };
  return { problem: `« ${item} » désigne ${codes.length} communes : indiquez leur nom` };
}

export function territoryGazetteer(db: Queryable): TerritoryGazetteer {
  return {
    async resolve(input): Promise<TerritoryResolution> {
      const errors: { departements?: string; communes?: string } = {};
      const deps: string[] = [];
      const unknownDeps: string[] = [];
      for (const item of items(input.departements)) {
        const code = departementCode(item);
        if (code) deps.push(code);
        else unknownDeps.push(item);
      }
      if (unknownDeps.length > 0) {
        errors.departements = `Département inconnu : ${unknownDeps.slice(0, 5).join(', ')}. Écrivez son nom ou son numéro, par exemple « Var » ou « 83 ».`;
      }
      const communes: string[] = [];
      const problems: string[] = [];
      for (const item of items(input.communes).slice(0, 200)) {
        const r = await communeCode(db, item);
        if (r.code) communes.push(r.code);
        else if (r.problem) problems.push(r.problem);
      }
      if (problems.length > 0) {
        errors.communes = `${problems.slice(0, 5).join(' ; ')}. Écrivez le nom de la commune ou son code postal, par exemple « Toulon » ou « 83000 ».`;
      }
      if (errors.departements || errors.communes) return { ok: false, errors };
      return { ok: true, territory: normaliseTerritory({ departements: deps, communes }) };
    },

    async describe(territory: Territory): Promise<TerritoryDescription> {
      const communes = await Promise.all(
        territory.communes.map(async (code) => {
          const name = (await communesByInsee(db, code))[0]?.name;
          return name ? `${name} (${code})` : code;
        }),
      );
      return {
        departements: territory.departements.map((d) => `${departementName(d)} (${d})`),
        communes,
        asInput: {
          departements: territory.departements.map((d) => `${departementName(d)} (${d})`).join(', '),
          communes: communes.join(', '),
        },
      };
    },
  };
}
