/**
 * The national standard « lieux de médiation numérique » v1.0.2, encoded in TypeScript so
 * that the product never reads ../shared at run time. standard.test.ts compares every list
 * below with the published JSON schema, so a drift is caught.
 */

/** The 32 fields, in the schema's order (also the column order of an exported CSV). */
export const FIELDS = [
  'id',
  'pivot',
  'nom',
  'commune',
  'code_postal',
  'code_insee',
  'adresse',
  'complement_adresse',
  'latitude',
  'longitude',
  'typologie',
  'telephone',
  'courriels',
  'site_web',
  'horaires',
  'presentation_resume',
  'presentation_detail',
  'source',
  'itinerance',
  'structure_parente',
  'date_maj',
  'services',
  'publics_specifiquement_adresses',
  'prise_en_charge_specifique',
  'frais_a_charge',
  'dispositif_programmes_nationaux',
  'formations_labels',
  'autres_formations_labels',
  'modalites_acces',
  'modalites_accompagnement',
  'fiche_acces_libre',
  'prise_rdv',
] as const;

export type Field = (typeof FIELDS)[number];

/** Fields whose values are joined with `|` in files. */
export const MULTI_VALUED: ReadonlySet<Field> = new Set<Field>([
  'typologie',
  'courriels',
  'site_web',
  'itinerance',
  'services',
  'publics_specifiquement_adresses',
  'prise_en_charge_specifique',
  'frais_a_charge',
  'dispositif_programmes_nationaux',
  'formations_labels',
  'modalites_acces',
  'modalites_accompagnement',
]);

/** Fields the schema marks as required. */
export const REQUIRED: readonly Field[] = ['id', 'pivot', 'nom', 'commune', 'code_postal', 'adresse', 'date_maj'];

/** Allowed values of the enumerated fields, exactly as written in the schema's patterns. */
export const ENUMS = {
  itinerance: ['Itinérant', 'Fixe'],
  services: [
    'Aide aux démarches administratives',
    'Maîtrise des outils numériques du quotidien',
    'Insertion professionnelle via le numérique',
    'Utilisation sécurisée du numérique',
    'Parentalité et éducation avec le numérique',
    'Loisirs et créations numériques',
    'Compréhension du monde numérique',
    'Accès internet et matériel informatique',
    'Acquisition de matériel informatique à prix solidaire',
  ],
  publics_specifiquement_adresses: ['Jeunes', 'Étudiants', 'Familles et/ou enfants', 'Seniors', 'Femmes'],
  prise_en_charge_specifique: [
    'Surdité',
    'Handicaps moteurs',
    'Handicaps mentaux',
    'Illettrisme',
    'Langues étrangères (anglais)',
    'Langues étrangères (autres)',
    'Déficience visuelle',
  ],
  frais_a_charge: ['Gratuit', 'Gratuit sous condition', 'Payant'],
  dispositif_programmes_nationaux: [
    'Aidants Connect',
    'Bibliothèques numérique de référence',
    'Certification PIX',
    'Conseillers numériques',
    'Emmaüs Connect',
    'France Services',
    'Grande école du numérique',
    'La Croix Rouge',
    "Point d'accès numérique CAF",
    'Promeneurs du net',
    'Relais numérique (Emmaüs Connect)',
  ],
  formations_labels: [
    'Formé à « Mon Espace Santé »',
    'Formé à « DUPLEX » (illettrisme)',
    'Arnia/MedNum BFC (Bourgogne-Franche-Comté)',
    'Collectif ressources et acteurs réemploi (Normandie)',
    // Sic: the schema's pattern has no space before the parenthesis.
    'Étapes numériques(La Poste)',
    'Fabriques de Territoire',
    'Les Éclaireurs du numérique (Drôme)',
    'Mes Papiers (Métropole de Lyon)',
    'ORDI 3.0',
    'SUD LABS (PACA)',
  ],
  modalites_acces: [
    'Se présenter',
    'Téléphoner',
    'Contacter par mail',
    'Prendre un RDV en ligne',
    "Ce lieu n'accueille pas de public",
    'Envoyer un mail avec une fiche de prescription',
  ],
  modalites_accompagnement: ['En autonomie', 'Accompagnement individuel', 'Dans un atelier collectif', 'À distance'],
} as const;

export type EnumField = keyof typeof ENUMS;
export type EnumValue<F extends EnumField> = (typeof ENUMS)[F][number];
export const ENUM_FIELDS = Object.keys(ENUMS) as EnumField[];

export function isEnumField(field: string): field is EnumField {
  return Object.hasOwn(ENUMS, field);
}

/** Short labels in plain French for a user interface. */
export const SERVICE_LABELS: Record<EnumValue<'services'>, string> = {
  'Aide aux démarches administratives': 'Démarches administratives en ligne',
  'Maîtrise des outils numériques du quotidien': 'Utiliser un ordinateur, un téléphone',
  'Insertion professionnelle via le numérique': 'Trouver un emploi, une formation',
  'Utilisation sécurisée du numérique': 'Se protéger sur internet',
  'Parentalité et éducation avec le numérique': 'Accompagner ses enfants',
  'Loisirs et créations numériques': 'Loisirs et création',
  'Compréhension du monde numérique': 'Comprendre le numérique',
  'Accès internet et matériel informatique': 'Accès à internet et à un ordinateur',
  'Acquisition de matériel informatique à prix solidaire': 'Acheter un ordinateur à petit prix',
};

function enumPattern(values: readonly string[]): string {
  return `(?:(?:^|\\|)(${values.map((v) => v.replace(/[()]/g, '\\$&')).join('|')}))+$`;
}

/** The schema's patterns (as written in the schema; matched against the whole value). */
export const PATTERNS: Partial<Record<Field, string>> = {
  pivot: '^[a-zA-Z0-9]{9,14}$',
  code_postal: '^\\d{5}$',
  code_insee: '^([013-9]\\d|2[AB1-9])\\d{3}$',
  telephone: '^(\\+33|\\+590|\\+594|\\+262|\\+596|\\+269|\\+687|\\+689|\\+508|\\+681)(\\d){6,9}$',
  ...Object.fromEntries(ENUM_FIELDS.map((f) => [f, enumPattern(ENUMS[f])])),
};

const compiled = new Map<Field, RegExp>(
  Object.entries(PATTERNS).map(([f, p]) => [f as Field, new RegExp(`^(?:${p})$`, 'u')]),
);

export function matchesPattern(field: Field, value: string): boolean {
  const re = compiled.get(field);
  return re === undefined || re.test(value);
}

export const RESUME_MAX_LENGTH = 280;

type Multi<F extends EnumField> = EnumValue<F>[];

/** A place, typed: null for an absent value, arrays for the multi-valued fields. */
export interface Place {
  id: string;
  pivot: string;
  nom: string;
  commune: string;
  code_postal: string;
  code_insee: string | null;
  adresse: string;
  complement_adresse: string | null;
  latitude: number | null;
  longitude: number | null;
  typologie: string[];
  telephone: string | null;
  courriels: string[];
  site_web: string[];
  horaires: string | null;
  presentation_resume: string | null;
  presentation_detail: string | null;
  source: string | null;
  itinerance: Multi<'itinerance'>;
  structure_parente: string | null;
  /** YYYY-MM-DD */
  date_maj: string;
  services: Multi<'services'>;
  publics_specifiquement_adresses: Multi<'publics_specifiquement_adresses'>;
  prise_en_charge_specifique: Multi<'prise_en_charge_specifique'>;
  frais_a_charge: Multi<'frais_a_charge'>;
  dispositif_programmes_nationaux: Multi<'dispositif_programmes_nationaux'>;
  formations_labels: Multi<'formations_labels'>;
  autres_formations_labels: string | null;
  modalites_acces: Multi<'modalites_acces'>;
  modalites_accompagnement: Multi<'modalites_accompagnement'>;
  fiche_acces_libre: string | null;
  prise_rdv: string | null;
}

/** A number as a plain decimal string (never « 1e-7 »), exact for a round trip. */
export function formatDecimal(n: number): string {
  const s = String(n);
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(s);
  if (!m) return s;
  const [, sign, head, tail = '', expText] = m;
  const digits = `${head}${tail}`;
  const exp = Number(expText);
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const point = 1 + exp;
  return point >= digits.length
    ? `${sign}${digits}${'0'.repeat(point - digits.length)}`
    : `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** The 32 fields as strings, for a CSV export. */
export function toStandardRow(place: Place): Record<Field, string> {
  const row = {} as Record<Field, string>;
  for (const field of FIELDS) {
    const value: unknown = place[field];
    if (value === null || value === undefined) row[field] = '';
    else if (Array.isArray(value)) row[field] = value.join('|');
    else if (typeof value === 'number') row[field] = formatDecimal(value);
    else row[field] = String(value);
  }
  return row;
}

/** The place in the published JSON format: absent values omitted, lists joined with `|`. */
export function toStandardJson(place: Place): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const field of FIELDS) {
    const value: unknown = place[field];
    if (value === null || value === undefined) continue;
    if (Array.isArray(value)) {
      if (value.length > 0) out[field] = value.join('|');
    } else if (typeof value === 'number') out[field] = value;
    else out[field] = String(value);
  }
  return out;
}

export function isIsoDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** Checks an exported row against the schema; returns the problems in French (none when valid). */
export function validateStandardRow(row: Record<string, string>): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(row)) {
    if (!(FIELDS as readonly string[]).includes(key)) problems.push(`Colonne inconnue du standard : ${key}.`);
  }
  for (const field of FIELDS) {
    const value = row[field] ?? '';
    if (value === '') {
      if (REQUIRED.includes(field)) problems.push(`Le champ ${field} est obligatoire.`);
      continue;
    }
    if (!matchesPattern(field, value)) problems.push(`Le champ ${field} ne respecte pas le standard (« ${value} »).`);
    if ((field === 'latitude' || field === 'longitude') && !/^-?\d+(\.\d+)?$/.test(value)) {
      problems.push(`Le champ ${field} doit être un nombre (« ${value} »).`);
    }
    if (field === 'date_maj' && !isIsoDate(value)) {
      problems.push(`Le champ date_maj doit être une date AAAA-MM-JJ (« ${value} »).`);
    }
    if (field === 'presentation_resume' && [...value].length > RESUME_MAX_LENGTH) {
      problems.push(`Le champ presentation_resume dépasse ${RESUME_MAX_LENGTH} caractères.`);
    }
  }
  return problems;
}
