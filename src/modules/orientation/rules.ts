/**
 * From answers to a level of help and needs, following the data files (niveaux.json,
 * besoins.json): no rule is written in code. Pure functions.
 */
import { type Condition, type Level, levelsData, needsData, type PlaceWishes, QUESTIONS } from './data.ts';

/** Answers as stored: one value for a single choice, the ticked values for boxes. */
export type Answers = Record<string, string | string[] | undefined>;

export interface CompleteAnswers {
  demarche: string;
  delai: string;
  equipement: string[];
  competences: string[];
  lecture: string;
  langue: string;
  aide: string;
}

function valuesOf(answers: Answers, id: string): string[] {
  const v = answers[id];
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

export function evaluate(
  cond: Condition,
  answers: Answers,
  facts: Record<string, { when: Condition }> = levelsData.facts,
  seen: ReadonlySet<string> = new Set(),
): boolean {
  if ('fact' in cond) {
    const fact = facts[cond.fact];
    if (!fact) throw new Error(`Unknown fact « ${cond.fact} » in the orientation rules`);
    if (seen.has(cond.fact)) throw new Error(`The fact « ${cond.fact} » refers to itself`);
    return evaluate(fact.when, answers, facts, new Set([...seen, cond.fact]));
  }
  if ('all' in cond) return cond.all.every((c) => evaluate(c, answers, facts, seen));
  if ('any' in cond) return cond.any.some((c) => evaluate(c, answers, facts, seen));
  if ('not' in cond) return !evaluate(cond.not, answers, facts, seen);
  const values = valuesOf(answers, cond.answer);
  if ('is' in cond) return values.length === 1 && values[0] === cond.is;
  if ('in' in cond) return values.length === 1 && cond.in.includes(values[0] as string);
  return values.includes(cond.has);
}

/** The first rule whose condition holds (the last one has none: « otherwise »). */
export function decideLevel(answers: Answers): Level {
  for (const rule of levelsData.rules) {
    if (!rule.when || evaluate(rule.when, answers)) return rule.level;
  }
  throw new Error('niveaux.json: no rule applies; the last rule must have no condition');
}

export interface Need {
  id: string;
  places: PlaceWishes;
  weight: number;
  themes: string[];
}

export function detectNeeds(answers: Answers): Need[] {
  return needsData.needs.filter((n) => evaluate(n.when, answers));
}

/** Every answer and fact a condition mentions, to check the data files against the questions. */
export function referencesOf(cond: Condition): Array<{ answer: string; value: string } | { fact: string }> {
  if ('fact' in cond) return [{ fact: cond.fact }];
  if ('all' in cond) return cond.all.flatMap(referencesOf);
  if ('any' in cond) return cond.any.flatMap(referencesOf);
  if ('not' in cond) return referencesOf(cond.not);
  if ('is' in cond) return [{ answer: cond.answer, value: cond.is }];
  if ('in' in cond) return cond.in.map((value) => ({ answer: cond.answer, value }));
  return [{ answer: cond.answer, value: cond.has }];
}

/** Values a question accepts (including the « none » box of a multiple choice). */
export function allowedValues(questionId: string): string[] {
  const q = QUESTIONS.find((x) => x.id === questionId);
  if (!q || q.type === 'commune') return [];
  return [...q.options.map((o) => o.value), ...(q.type === 'multiple' ? [q.none.value] : [])];
}

/** The condition in plain words, for the documentation (docs/orientation.md). */
export function describeCondition(cond: Condition): string {
  if ('fact' in cond) return levelsData.facts[cond.fact]?.description ?? cond.fact;
  if ('all' in cond) return cond.all.map((c) => wrap(c, describeCondition(c))).join(' *and* ');
  if ('any' in cond) return cond.any.map((c) => wrap(c, describeCondition(c))).join(' *or* ');
  if ('not' in cond) return `not (${describeCondition(cond.not)})`;
  if ('is' in cond) return `${cond.answer} = ${cond.is}`;
  if ('in' in cond) return `${cond.answer} ∈ {${cond.in.join(', ')}}`;
  return `${cond.answer} ∋ ${cond.has}`;
}

function wrap(c: Condition, text: string): string {
  return 'all' in c || 'any' in c ? `(${text})` : text;
}

const LEVEL_NAMES: Record<Level, string> = {
  urgence: 'urgence numérique',
  inclusion: 'inclusion numérique',
  competences: 'montée en compétences',
};

/** The level rules as a Markdown table (docs/orientation.md keeps a copy; a test compares). */
export function levelRulesTable(): string {
  const rows = levelsData.rules.map(
    (r) => `| ${LEVEL_NAMES[r.level]} (\`${r.level}\`) | ${r.when ? describeCondition(r.when) : 'otherwise'} |`,
  );
  return ['| Level | When (rules tried in order, first match wins) |', '|---|---|', ...rows].join('\n');
}
