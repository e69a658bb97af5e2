/**
 * Demo data: about six months of sessions by the demo helpers of the Var (the médiathèque's
 * aidante and responsable) and of the Vaucluse (Avignon's responsable), individual sessions
 * and workshops, drawn with a fixed seed, so that every statistics page — and the national
 * open data — has figures. Written in one bulk statement with one `demo.*` journal entry (the
 * use case would take minutes for this many rows); people followed over time are added by
 * `seedSupportPeopleDemo` through the people module. Never in production (checked by the caller).
 */
import type { Actor } from '../../platform/auth/actor.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Database } from '../../platform/db/database.ts';
import { appendJournal } from '../../platform/journal/journal.ts';
import { addDays, parisToday } from '../../platform/print/index.ts';
import { departementOfPlace, placesOfOrganisation } from '../lieux/index.ts';
import { createPerson, type PeopleDeps } from '../people/index.ts';
import { AGE_BANDS, AUTONOMY, ORIENTATION_KINDS, PROCEDURES, STATUSES, THEMES } from './data.ts';

/** mulberry32: a small deterministic generator, so the demo looks the same on every machine. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function weighted<T>(random: () => number, items: ReadonlyArray<readonly [T, number]>): T {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let r = random() * total;
  for (const [item, w] of items) {
    r -= w;
    if (r < 0) return item;
  }
  return (items[items.length - 1] as readonly [T, number])[0];
}

const THEME_WEIGHTS: ReadonlyArray<readonly [string, number]> = THEMES.map((t) => [
  t.key,
  t.key === 'aide_aux_demarches_administratives'
    ? 30
    : t.key === 'email'
      ? 14
      : t.key === 'prendre_en_main_du_materiel'
        ? 12
        : t.key === 'navigation_sur_internet'
          ? 8
          : 3,
]);

export interface DemoHelper {
  userId: string;
  organisationId: string;
  /** Where sessions count when the structure has no place: its département. */
  departement: string;
  sessions: number;
}

export interface DemoSessionRow {
  organisation_id: string;
  helper_user_id: string;
  kind: 'individuel' | 'atelier';
  session_date: string;
  duration_minutes: number;
  place_kind: string;
  place_id: string | null;
  commune_insee: string | null;
  departement: string | null;
  themes: string[];
  procedures: string[];
  devices: string[];
  autonomy: string | null;
  self_assessment: string | null;
  oriented_to: string | null;
  workshop_title: string | null;
  workshop_level: string | null;
  anonymous_counts: unknown;
  anonymous_total: number;
  person_id: string | null;
  created_at: string;
}

/** Draws `count` sessions of one helper over the `days` days before `today`. */
export function drawSessions(
  random: () => number,
  helper: { userId: string; organisationId: string },
  where: Array<{ placeId: string | null; communeInsee: string | null; departement: string }>,
  count: number,
  today: string,
  days: number,
): DemoSessionRow[] {
  const rows: DemoSessionRow[] = [];
  for (let i = 0; i < count; i++) {
    const date = addDays(today, -Math.floor(random() * days));
    const place = where[Math.floor(random() * where.length)] as (typeof where)[number];
    const workshop = random() < 0.1;
    const themes = [weighted(random, THEME_WEIGHTS)];
    if (random() < 0.25) {
      const second = weighted(random, THEME_WEIGHTS);
      if (!themes.includes(second)) themes.push(second);
    }
    const administrative = themes.includes('aide_aux_demarches_administratives');
    const total = workshop ? 3 + Math.floor(random() * 9) : 0;
    const women = Math.floor(total * 0.6);
    rows.push({
      organisation_id: helper.organisationId,
      helper_user_id: helper.userId,
      kind: workshop ? 'atelier' : 'individuel',
      session_date: date,
      duration_minutes: workshop
        ? 120
        : weighted(random, [
            [15, 2],
            [30, 5],
            [45, 6],
            [60, 4],
            [90, 1],
            [40, 2],
          ] as const),
      place_kind: place.placeId
        ? weighted(random, [
            ['lieu', 12],
            ['distance', 2],
            ['domicile', 1],
          ] as const)
        : 'distance',
      place_id: place.placeId,
      commune_insee: place.communeInsee,
      departement: place.departement,
      themes,
      procedures: administrative
        ? [
            weighted(
              random,
              PROCEDURES.map((p, k) => [p.key, k < 4 ? 5 : 1] as const),
            ),
          ]
        : [],
      devices: [
        weighted(random, [
          ['Ordinateur', 5],
          ['Téléphone', 6],
          ['Tablette', 1],
          ['Pas de matériel', 1],
        ] as const),
      ],
      autonomy: workshop
        ? null
        : weighted(
            random,
            AUTONOMY.map((a, k) => [a.key, [2, 5, 4, 3][k] ?? 1] as const),
          ),
      self_assessment:
        workshop || random() < 0.6
          ? null
          : weighted(random, [
              ['oui', 5],
              ['avec_aide', 4],
              ['non', 2],
            ] as const),
      oriented_to:
        random() < 0.12
          ? weighted(
              random,
              ORIENTATION_KINDS.map((o) => [o.key, 1] as const),
            )
          : null,
      workshop_title: workshop
        ? weighted(random, [
            ['Premiers pas sur smartphone', 1],
            ['Créer sa boîte e-mail', 1],
            ['Mes démarches en ligne', 1],
          ] as const)
        : null,
      workshop_level: workshop ? 'debutant' : null,
      anonymous_counts: workshop
        ? {
            total,
            deja: Math.floor(total / 3),
            genre: { feminin: women, masculin: total - women },
            age: {
              [AGE_BANDS[5] as string]: Math.floor(total / 2),
              [AGE_BANDS[6] as string]: total - Math.floor(total / 2),
            },
            statut: { [STATUSES[3] as string]: total },
          }
        : null,
      anonymous_total: total,
      person_id: null,
      created_at: `${date}T16:00:00Z`,
    });
  }
  return rows;
}

/** One INSERT for every row (jsonb_to_recordset), whatever their number. */
export async function insertSessionsInBulk(
  db: Database | Parameters<Parameters<Database['transaction']>[0]>[0],
  rows: DemoSessionRow[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += 5000) {
    await db.query(
      `INSERT INTO support_sessions (organisation_id, helper_user_id, kind, session_date, duration_minutes, place_kind,
         place_id, commune_insee, departement, themes, procedures, devices, autonomy, self_assessment, oriented_to,
         workshop_title, workshop_level, anonymous_counts, anonymous_total, person_id, is_demo, created_at, updated_at)
       SELECT organisation_id, helper_user_id, kind, session_date, duration_minutes, place_kind, place_id, commune_insee,
         departement, themes, procedures, devices, autonomy, self_assessment, oriented_to, workshop_title, workshop_level,
         anonymous_counts, anonymous_total, person_id, true, created_at, created_at
       FROM jsonb_to_recordset($1::jsonb) AS x(organisation_id uuid, helper_user_id uuid, kind text, session_date date,
         duration_minutes int, place_kind text, place_id text, commune_insee text, departement text, themes text[],
         procedures text[], devices text[], autonomy text, self_assessment text, oriented_to text, workshop_title text,
         workshop_level text, anonymous_counts jsonb, anonymous_total int, person_id uuid, created_at timestamptz)`,
      [JSON.stringify(rows.slice(i, i + 5000))],
    );
  }
}

/** People followed over a few sessions each, their autonomy growing (or not) theme by theme. */
export interface DemoFollowed {
  people: PeopleDeps;
  actor: Actor;
  organisationId: string;
  count: number;
}

const FIRST_NAMES = [
  'Alain',
  'Béatrice',
  'Chantal',
  'Driss',
  'Émilie',
  'Fatou',
  'Gérard',
  'Hélène',
  'Ibrahim',
  'Josiane',
];

async function followedSessions(random: () => number, f: DemoFollowed, today: string): Promise<DemoSessionRow[]> {
  const places = (await placesOfOrganisation(f.people.db, f.organisationId)).filter((p) => p.status === 'open');
  const place = places[0];
  const rows: DemoSessionRow[] = [];
  for (let i = 0; i < f.count; i++) {
    const person = await createPerson(f.people, f.actor, {
      organisationId: f.organisationId,
      displayName: `${FIRST_NAMES[i % FIRST_NAMES.length]} ${String.fromCharCode(65 + (i % 26))}. (démo)`,
      birthYear: 1940 + Math.floor(random() * 60),
      residence: place?.code_insee
        ? { kind: 'commune', inseeCode: place.code_insee }
        : { kind: 'sans_domicile_stable' },
    });
    const theme = weighted(random, THEME_WEIGHTS);
    const visits = 2 + Math.floor(random() * 5);
    let level = Math.floor(random() * 2);
    let day = 170 - Math.floor(random() * 40);
    for (let v = 0; v < visits && day > 0; v++) {
      const date = addDays(today, -day);
      rows.push({
        ...(drawSessions(
          random,
          { userId: f.actor.userId, organisationId: f.organisationId },
          [
            {
              placeId: place?.id ?? null,
              communeInsee: place?.code_insee ?? null,
              departement: place ? departementOfPlace(place) : '83',
            },
          ],
          1,
          today,
          1,
        )[0] as DemoSessionRow),
        kind: 'individuel',
        session_date: date,
        created_at: `${date}T15:00:00Z`,
        themes: [theme],
        procedures: theme === 'aide_aux_demarches_administratives' ? ['social'] : [],
        autonomy: AUTONOMY[level]?.key ?? null,
        self_assessment: random() < 0.6 ? (level >= 3 ? 'oui' : level === 2 ? 'avec_aide' : 'non') : null,
        workshop_title: null,
        workshop_level: null,
        anonymous_counts: null,
        anonymous_total: 0,
        person_id: person.id,
      });
      if (random() < 0.75) level = Math.min(3, level + 1);
      day -= 7 + Math.floor(random() * 21);
    }
  }
  return rows;
}

export async function seedSupportDemo(
  deps: { db: Database; clock: Clock },
  helpers: DemoHelper[],
  followed: DemoFollowed[] = [],
): Promise<string> {
  const random = seeded(14);
  const today = parisToday(deps.clock);
  const rows: DemoSessionRow[] = [];
  for (const f of followed) rows.push(...(await followedSessions(random, f, today)));
  const people = followed.reduce((n, f) => n + f.count, 0);
  for (const h of helpers) {
    const places = (await placesOfOrganisation(deps.db, h.organisationId)).filter((p) => p.status === 'open');
    const where =
      places.length > 0
        ? places.map((p) => ({ placeId: p.id, communeInsee: p.code_insee, departement: departementOfPlace(p) }))
        : [{ placeId: null, communeInsee: null, departement: h.departement }];
    rows.push(...drawSessions(random, h, where, h.sessions, today, 180));
  }
  await deps.db.transaction(async (tx) => {
    await insertSessionsInBulk(tx, rows);
    await appendJournal(tx, deps.clock, {
      action: 'demo.accompagnements_crees',
      details: { seances: rows.length, aidants: helpers.length, personnes_suivies: people },
    });
  });
  return `Accompagnements de démonstration : ${rows.length} séances sur six mois par ${helpers.length} aidants, dont ${people} personnes suivies (voir /accompagnements).`;
}
