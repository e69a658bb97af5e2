/**
 * Multi-valued fields: values separated by `|` (or, in real files, `;` and `,`), cleaned,
 * recognised against the enumerations, without duplicates.
 */
import { ENUMS, type EnumField } from '../standard.ts';
import { recogniseLegacyPublic, recogniseValue, type Target } from './enum-values.ts';
import { asText, cleanLine, quote, type RowReport } from './report.ts';

type Recognise = (text: string) => Target | null;

/** The written items of a list field, and the separators other than `|` that were used. */
function writtenItems(
  raw: unknown,
  field: string,
  report: RowReport,
  recognise: Recognise,
  noteSeparators = true,
): string[] {
  if (Array.isArray(raw)) {
    return raw.flatMap((item) => {
      const text = asText(item, field, report);
      return text === null ? [] : [cleanLine(text)].filter((t) => t !== '');
    });
  }
  const text = asText(raw, field, report);
  if (text === null) return [];
  const items: string[] = [];
  const used = new Set<string>();
  // `|` always separates; `;` then `,` separate too, unless the piece is one known value
  // (« Gratuit sous condition : … (situation familiale, convention …) ») and its parts are not.
  const visit = (piece: string, separators: string[]): void => {
    const cleaned = cleanLine(piece);
    if (cleaned === '') return;
    const [separator, ...others] = separators;
    if (separator === undefined) {
      items.push(cleaned);
      return;
    }
    if (!cleaned.includes(separator)) {
      visit(cleaned, others);
      return;
    }
    const parts = cleaned.split(separator).filter((p) => cleanLine(p) !== '');
    if (recognise(cleaned) !== null && !parts.every((p) => recognise(cleanLine(p)) !== null)) {
      items.push(cleaned);
      return;
    }
    used.add(separator);
    for (const part of parts) visit(part, others);
  };
  for (const piece of text.split('|')) visit(piece, [';', ',']);
  const noted = [...used].map((s) => `« ${s} »`).join(' et ');
  if (noted !== '' && noteSeparators) report.fix(field, `Valeurs séparées par ${noted} : remplacé par « | ».`);
  return items;
}

function pushUnique(list: string[], value: string, field: string, report: RowReport): void {
  if (list.includes(value)) report.fix(field, `Doublon retiré : ${quote(value)}.`);
  else list.push(value);
}

/** A free list (typologie): only split and deduplicated. */
export function readFreeList(raw: unknown, field: string, report: RowReport): string[] {
  const items: string[] = [];
  for (const item of writtenItems(raw, field, report, () => null)) pushUnique(items, item, field, report);
  return items;
}

/** Values that belong to another field (old labels): target field → values. */
export type Moves = Map<string, string[]>;

function addMove(moves: Moves, field: string, value: string): void {
  const list = moves.get(field) ?? [];
  if (!list.includes(value)) list.push(value);
  moves.set(field, list);
}

export function readEnumList(raw: unknown, field: EnumField, report: RowReport, moves: Moves): string[] {
  const values: string[] = [];
  for (const item of writtenItems(raw, field, report, (t) => recogniseValue(field, t))) {
    const target = recogniseValue(field, item);
    if (target === null) {
      report.error(
        field,
        `La valeur ${quote(item)} n'est pas reconnue pour ${field}. Valeurs acceptées : ${ENUMS[field].join(' ; ')}.`,
      );
    } else if ('drop' in target) {
      report.fix(field, `${quote(item)} retiré (${target.drop}).`);
    } else if (target.field !== field) {
      addMove(moves, target.field, target.value);
      report.fix(field, `${quote(item)} déplacé vers ${target.field} (${quote(target.value)}).`);
    } else {
      if (target.value !== item) report.fix(field, `${quote(item)} remplacé par ${quote(target.value)}.`);
      pushUnique(values, target.value, field, report);
    }
  }
  return values;
}

/**
 * The old field publics_accueillis: a list including « Adultes » (or « Tout public ») means
 * everyone is welcome, so no specific public is kept; special needs (surdité…) still are.
 */
export function readLegacyPublics(raw: unknown, report: RowReport, moves: Moves): void {
  const field = 'publics_accueillis';
  const items = writtenItems(raw, field, report, recogniseLegacyPublic, false);
  const everyone = items.find((item) => {
    const target = recogniseLegacyPublic(item);
    return target !== null && 'drop' in target;
  });
  if (everyone !== undefined) {
    report.fix(
      field,
      `Ancien champ publics_accueillis : ${quote(everyone)} veut dire tout public ; aucun public spécifique n'est retenu.`,
    );
  }
  for (const item of items) {
    const target = recogniseLegacyPublic(item);
    if (target === null) {
      report.error(field, `La valeur ${quote(item)} de l'ancien champ publics_accueillis n'est pas reconnue.`);
    } else if ('drop' in target || (everyone !== undefined && target.field === 'publics_specifiquement_adresses')) {
      // Nothing to keep.
    } else {
      addMove(moves, target.field, target.value);
      const renamed = target.value === item ? '' : ` (${quote(target.value)})`;
      report.fix(field, `Ancien champ publics_accueillis : ${quote(item)} repris dans ${target.field}${renamed}.`);
    }
  }
}

/** Adds the values moved from other fields, without duplicates. */
export function mergeMoves(values: string[], field: string, moves: Moves): string[] {
  const merged = [...values];
  for (const value of moves.get(field) ?? []) if (!merged.includes(value)) merged.push(value);
  return merged;
}
