/**
 * Demo data: anonymous finished diagnostics in the Var (83) and the Vaucluse (84), spread over
 * the last 80 days, some slips honoured, so that the statistics (national and per
 * département) are not empty; and one slip made by the demo CCAS that names a place and
 * carries a note. Answers are drawn with a fixed seed and go through the real rules.
 * Never in production (checked by the caller).
 */
import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import { appendJournal } from '../../platform/journal/journal.ts';
import { QUESTIONS } from './data.ts';
import { SLIP_LIFETIME_DAYS } from './diagnostic.ts';
import { insertSlip, type NewSlip, upsertNote } from './repository.ts';
import { type Answers, decideLevel, detectNeeds } from './rules.ts';
import { slipCodes } from './slip-code.ts';

const COMMUNES = [
  { label: 'Toulon', insee: '83137', latitude: 43.1242, longitude: 5.928, weight: 30 },
  { label: 'La Seyne-sur-Mer', insee: '83126', latitude: 43.1007, longitude: 5.8788, weight: 12 },
  { label: 'Hyères', insee: '83069', latitude: 43.1204, longitude: 6.1286, weight: 10 },
  { label: 'Fréjus', insee: '83061', latitude: 43.4332, longitude: 6.737, weight: 8 },
  { label: 'Draguignan', insee: '83050', latitude: 43.5366, longitude: 6.4646, weight: 8 },
  { label: 'Brignoles', insee: '83023', latitude: 43.4058, longitude: 6.0616, weight: 4 },
  { label: 'Avignon', insee: '84007', latitude: 43.9493, longitude: 4.8055, weight: 22 },
  { label: 'Carpentras', insee: '84031', latitude: 44.0556, longitude: 5.0481, weight: 10 },
  { label: 'Orange', insee: '84087', latitude: 44.1381, longitude: 4.8075, weight: 8 },
  { label: 'Cavaillon', insee: '84035', latitude: 43.8374, longitude: 5.0381, weight: 8 },
  { label: 'Apt', insee: '84003', latitude: 43.8764, longitude: 5.3964, weight: 3 },
];

/** mulberry32: a small deterministic generator, so the demo looks the same on every machine. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function weighted<T>(random: () => number, items: Array<[T, number]>): T {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let r = random() * total;
  for (const [item, w] of items) {
    r -= w;
    if (r < 0) return item;
  }
  return (items[items.length - 1] as [T, number])[0];
}

function drawAnswers(random: () => number): Answers {
  const demarche = weighted(random, [
    ['social', 18],
    ['argent', 14],
    ['famille', 12],
    ['papiers', 12],
    ['travail', 10],
    ['logement', 9],
    ['etranger', 7],
    ['transports', 6],
    ['justice', 2],
    ['loisirs', 1],
    ['apprendre', 8],
    ['ne_sait_pas', 6],
  ]);
  const draw = (items: Array<[string, number]>) => items.filter(([, p]) => random() < p).map(([v]) => v);
  const equipment = draw([
    ['smartphone', 0.75],
    ['ordinateur', 0.4],
    ['internet', 0.5],
  ]);
  const skills = draw([
    ['email', 0.5],
    ['mot_de_passe', 0.35],
    ['photo_document', 0.45],
  ]);
  return {
    demarche,
    delai: weighted(random, [
      ['oui', 30],
      ['non', 50],
      ['ne_sait_pas', 20],
    ]),
    equipement: equipment.length > 0 ? equipment : ['aucun'],
    competences: skills.length > 0 ? skills : ['aucune'],
    lecture: weighted(random, [
      ['facile', 70],
      ['difficile', 20],
      ['tres_difficile', 10],
    ]),
    langue: weighted(random, [
      ['francais', 80],
      ['arabe', 9],
      ['anglais', 5],
      ['autre', 6],
    ]),
    aide: weighted(random, [
      ['pour_moi', 30],
      ['avec_moi', 50],
      ['apprendre_seul', 20],
    ]),
  };
}

export async function seedOrientationDemo(
  deps: { db: Database; clock: Clock },
  input: { prescriberOrganisationId: string; placeIds: string[]; count?: number },
): Promise<string> {
  const random = seeded(15);
  const now = deps.clock();
  const count = input.count ?? 320;
  const answerIds = QUESTIONS.filter((q) => q.type !== 'commune').map((q) => q.id);
  const code = slipCodes.generate();
  await deps.db.transaction(async (tx) => {
    for (let i = 0; i < count; i++) {
      const answers = drawAnswers(random);
      const commune = weighted(
        random,
        COMMUNES.map((c) => [c, c.weight] as [(typeof COMMUNES)[number], number]),
      );
      const ageDays = random() * 80;
      const createdAt = new Date(now.getTime() - ageDays * 86_400_000);
      const honoured = random() < 0.45 ? new Date(createdAt.getTime() + (1 + random() * 25) * 86_400_000) : null;
      const needs = detectNeeds(answers);
      const one = (id: string) => String(answers[id]);
      const many = (id: string) => answers[id] as string[];
      const slip: NewSlip = {
        code: slipCodes.generate(),
        createdAt,
        expiresAt: new Date(createdAt.getTime() + SLIP_LIFETIME_DAYS * 86_400_000),
        level: decideLevel(answers),
        needs: needs.map((n) => n.id),
        themes: [...new Set(needs.flatMap((n) => n.themes))],
        procedure: one('demarche'),
        deadline: one('delai'),
        equipment: many('equipement'),
        skills: many('competences'),
        reading: one('lecture'),
        helpLanguage: one('langue'),
        helpMode: one('aide'),
        interfaceLanguage: weighted(random, [
          ['fr', 90],
          ['ar', 6],
          ['en', 4],
        ]),
        locationLabel: commune.label,
        communeInsee: commune.insee,
        departement: commune.insee.slice(0, 2),
        latitude: commune.latitude,
        longitude: commune.longitude,
        prescriberOrganisationId: null,
        prescriberUserId: null,
        honouredAt: honoured && honoured < now ? honoured : null,
        isDemo: true,
      };
      if (answerIds.some((id) => answers[id] === undefined)) throw new Error('demo answers incomplete');
      await insertSlip(tx, slip);
    }
    // One slip made by the demo CCAS for a person sent to the demo médiathèque, with a note.
    const answers = {
      demarche: 'social',
      delai: 'oui',
      equipement: ['smartphone'],
      competences: ['aucune'],
      lecture: 'difficile',
      langue: 'francais',
      aide: 'avec_moi',
    };
    const needs = detectNeeds(answers);
    await insertSlip(tx, {
      code,
      createdAt: now,
      expiresAt: new Date(now.getTime() + SLIP_LIFETIME_DAYS * 86_400_000),
      level: decideLevel(answers),
      needs: needs.map((n) => n.id),
      themes: [...new Set(needs.flatMap((n) => n.themes))],
      procedure: 'social',
      deadline: 'oui',
      equipment: ['smartphone'],
      skills: ['aucune'],
      reading: 'difficile',
      helpLanguage: 'francais',
      helpMode: 'avec_moi',
      interfaceLanguage: 'fr',
      locationLabel: 'Toulon',
      communeInsee: '83137',
      departement: '83',
      latitude: 43.1242,
      longitude: 5.928,
      prescriberOrganisationId: input.prescriberOrganisationId,
      prescriberUserId: null,
      destinationPlaceId: input.placeIds[0] ?? null,
      isDemo: true,
    });
    await upsertNote(tx, {
      code,
      organisationId: input.prescriberOrganisationId,
      authorUserId: null,
      note: 'Dossier de complémentaire santé à renouveler avant la fin du mois. La personne préfère être reçue le matin.',
      now,
    });
    await appendJournal(tx, deps.clock, {
      action: 'orientation.demo',
      organisationId: input.prescriberOrganisationId,
      details: { diagnostics: count + 1 },
    });
  });
  return `Orientation de démonstration : ${count} diagnostics anonymes dans le Var et le Vaucluse (voir /orientation/statistiques) ; fiche ${slipCodes.format(code)} du CCAS de démonstration, avec une note pour la médiathèque (/orientation/fiche/${slipCodes.format(code)}).`;
}
