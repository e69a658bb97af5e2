/**
 * The level rules of the issue, case by case, through the data files; the data files checked
 * against each other (every answer a rule names exists); docs/orientation.md in step.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bringData, levelsData, needsData, QUESTIONS } from './data.ts';
import { TRANSLATIONS } from './i18n.ts';
import { type Answers, allowedValues, decideLevel, detectNeeds, levelRulesTable, referencesOf } from './rules.ts';

const base: Answers = {
  demarche: 'social',
  delai: 'non',
  equipement: ['smartphone'],
  competences: ['email'],
  lecture: 'facile',
  langue: 'francais',
  aide: 'avec_moi',
};
const with_ = (changes: Answers): Answers => ({ ...base, ...changes });

describe('level of help (the table of the issue)', () => {
  it.each<[string, Answers, string]>([
    ['a deadline → urgence', with_({ delai: 'oui' }), 'urgence'],
    [
      'a deadline wins over « apprendre seul » with a device',
      with_({ delai: 'oui', aide: 'apprendre_seul' }),
      'urgence',
    ],
    ['a deadline wins over the need to learn', with_({ delai: 'oui', demarche: 'apprendre' }), 'urgence'],
    ['« faites-le pour moi » → urgence', with_({ aide: 'pour_moi' }), 'urgence'],
    [
      'no device, no basic skill, a procedure to do → urgence',
      with_({ equipement: ['aucun'], competences: ['aucune'] }),
      'urgence',
    ],
    [
      'a computer without internet is not a usable device',
      with_({ equipement: ['ordinateur'], competences: ['aucune'] }),
      'urgence',
    ],
    [
      'no device and no skill, but « je ne sais pas » is still a procedure to do',
      with_({ equipement: ['aucun'], competences: ['aucune'], demarche: 'ne_sait_pas' }),
      'urgence',
    ],
    [
      'no device and no skill without a procedure (learning) → montée en compétences',
      with_({ equipement: ['aucun'], competences: ['aucune'], demarche: 'apprendre' }),
      'competences',
    ],
    ['« apprendre seul » with a smartphone → montée en compétences', with_({ aide: 'apprendre_seul' }), 'competences'],
    [
      '« apprendre seul » with a computer and internet → montée en compétences',
      with_({ aide: 'apprendre_seul', equipement: ['ordinateur', 'internet'] }),
      'competences',
    ],
    [
      '« apprendre seul » without a device → inclusion',
      with_({ aide: 'apprendre_seul', equipement: ['aucun'] }),
      'inclusion',
    ],
    ['the need is to learn → montée en compétences', with_({ demarche: 'apprendre' }), 'competences'],
    ['otherwise → inclusion', base, 'inclusion'],
    ['« je ne sais pas » about a deadline is not a deadline', with_({ delai: 'ne_sait_pas' }), 'inclusion'],
  ])('%s', (_name, answers, level) => {
    expect(decideLevel(answers)).toBe(level);
  });

  it('never changes with the reading and language answers', () => {
    const choice = (id: string) => fc.constantFrom(...allowedValues(id));
    const boxes = (id: string) => fc.subarray(allowedValues(id), { minLength: 1 });
    fc.assert(
      fc.property(
        fc.record({
          demarche: choice('demarche'),
          delai: choice('delai'),
          equipement: boxes('equipement'),
          competences: boxes('competences'),
          aide: choice('aide'),
        }),
        choice('lecture'),
        choice('langue'),
        (answers, lecture, langue) => {
          expect(decideLevel({ ...answers, lecture, langue })).toBe(
            decideLevel({ ...answers, lecture: 'facile', langue: 'francais' }),
          );
        },
      ),
    );
  });
});

describe('needs', () => {
  const ids = (a: Answers) => detectNeeds(a).map((n) => n.id);
  it('adds reading and language needs, with the place preferences of the standard', () => {
    expect(ids(with_({ lecture: 'tres_difficile' }))).toContain('lecture');
    expect(ids(with_({ langue: 'anglais' }))).toContain('langue_anglais');
    expect(ids(with_({ langue: 'arabe' }))).toContain('langue_autre');
    expect(ids(base)).not.toContain('lecture');
    const langue = detectNeeds(with_({ langue: 'anglais' })).find((n) => n.id === 'langue_anglais');
    expect(langue?.places.prise_en_charge_specifique).toEqual(['Langues étrangères (anglais)']);
  });

  it('says what is missing: a device, the basics, a procedure, speed', () => {
    expect(ids(with_({ equipement: ['aucun'], competences: ['aucune'], delai: 'oui' }))).toEqual([
      'agir_vite',
      'demarche',
      'materiel',
      'bases',
    ]);
    expect(ids(with_({ competences: ['email', 'mot_de_passe', 'photo_document'] }))).toEqual(['demarche']);
  });
});

describe('data files', () => {
  const thematiques = JSON.parse(
    readFileSync(path.resolve('../shared/data/referentiels/thematiques-accompagnement.json'), 'utf8'),
  ) as { mediation_numerique: Array<{ key: string }> };
  const demarches = JSON.parse(readFileSync(path.resolve('../shared/data/referentiels/demarches.json'), 'utf8')) as {
    categories: Array<{ key: string }>;
  };

  it('name only answers the questions offer, and facts that exist', () => {
    const conditions = [
      ...Object.values(levelsData.facts).map((f) => f.when),
      ...levelsData.rules.flatMap((r) => (r.when ? [r.when] : [])),
      ...needsData.needs.map((n) => n.when),
    ];
    for (const ref of conditions.flatMap(referencesOf)) {
      if ('fact' in ref) expect(Object.keys(levelsData.facts)).toContain(ref.fact);
      else expect(allowedValues(ref.answer), `${ref.answer} = ${ref.value}`).toContain(ref.value);
    }
    expect(levelsData.rules.at(-1)?.when, 'the last rule is « otherwise »').toBeUndefined();
  });

  it('offers the ten procedure families of the referential, plus learning and « je ne sais pas »', () => {
    const families = demarches.categories.map((c) => c.key);
    expect(allowedValues('demarche').sort()).toEqual([...families, 'apprendre', 'ne_sait_pas'].sort());
    expect(Object.keys(bringData.familles).sort()).toEqual([...families, 'apprendre', 'ne_sait_pas'].sort());
  });

  it('pre-fills only themes of the support-session referential', () => {
    const keys = thematiques.mediation_numerique.map((t) => t.key);
    for (const need of needsData.needs) for (const theme of need.themes) expect(keys).toContain(theme);
  });

  it('has a text for every question, option, level, need and item to bring', () => {
    const keys: string[] = [];
    for (const q of QUESTIONS) {
      keys.push(`question.${q.id}.titre`, `question.${q.id}.aide`);
      for (const v of allowedValues(q.id)) keys.push(`option.${q.id}.${v}`);
    }
    for (const r of levelsData.rules)
      keys.push(`niveau.${r.level}.nom`, `niveau.${r.level}.personne`, `niveau.${r.level}.pro`);
    for (const n of needsData.needs) keys.push(`besoin.${n.id}`);
    for (const i of [...bringData.toujours, ...Object.values(bringData.familles).flat()]) keys.push(`apporter.${i}`);
    const missing = keys.filter((k) => TRANSLATIONS.fr[k] === undefined);
    expect(missing).toEqual([]);
  });

  it('marks what to bring as needing a professional review', () => {
    expect(bringData.review).toMatch(/relire par un professionnel/i);
  });

  it('is shown in docs/orientation.md exactly as the rules are', () => {
    const doc = readFileSync(path.resolve('docs/orientation.md'), 'utf8');
    const section = /<!-- niveaux:début[^>]*-->\n([\s\S]*?)\n<!-- niveaux:fin -->/.exec(doc)?.[1];
    expect(section).toBe(levelRulesTable());
  });
});
