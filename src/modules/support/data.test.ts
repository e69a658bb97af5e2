import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AGE_BANDS, AUTONOMY, DEVICES, PROCEDURES, STATUSES, SUGGESTED_DURATIONS, THEMES } from './data.ts';

const dir = path.resolve('../shared/data/referentiels');
const read = (name: string) => JSON.parse(readFileSync(path.join(dir, name), 'utf8'));

describe('support vocabularies', () => {
  it('match the national referentiels', () => {
    const themes = read('thematiques-accompagnement.json');
    expect(THEMES.map((t) => ({ key: t.key, label: t.label }))).toEqual(themes.mediation_numerique);
    expect(AUTONOMY.map((a) => ({ key: a.key, label: a.label }))).toEqual(themes.autonomie);
    expect([...DEVICES]).toEqual(themes.materiel);
    expect([...SUGGESTED_DURATIONS]).toEqual(themes.duree_minutes_suggestions);
    expect([...AGE_BANDS]).toEqual(themes.tranches_age);
    expect([...STATUSES]).toEqual(themes.statuts);
    const demarches = read('demarches.json');
    expect(PROCEDURES.slice(0, 10).map((p) => ({ key: p.key, label: p.label }))).toEqual(
      demarches.categories.map((c: { key: string; title: string }) => ({ key: c.key, label: c.title })),
    );
  });
});
