/**
 * The vocabularies of a support session, from the national referentiels
 * (../shared/data/referentiels/thematiques-accompagnement.json and demarches.json; data.test.ts
 * checks they still match). Keys are stored; labels are shown.
 */

export interface Choice {
  readonly key: string;
  readonly label: string;
}

export const THEMES: readonly Choice[] = [
  { key: 'diagnostic_numerique', label: 'Diagnostic numérique' },
  { key: 'prendre_en_main_du_materiel', label: 'Prendre en main du matériel' },
  { key: 'maintenance_de_materiel', label: 'Maintenance de matériel' },
  { key: 'gerer_ses_contenus_numeriques', label: 'Gérer ses contenus numériques' },
  { key: 'navigation_sur_internet', label: 'Navigation sur internet' },
  { key: 'email', label: 'E-mail' },
  { key: 'bureautique', label: 'Bureautique' },
  { key: 'reseaux_sociaux', label: 'Réseaux sociaux et communication' },
  { key: 'sante', label: 'Santé' },
  { key: 'banque_et_achats_en_ligne', label: 'Banque et achats en ligne' },
  { key: 'entrepreneuriat', label: 'Accompagner un professionnel' },
  { key: 'insertion_professionnelle', label: 'Insertion professionnelle' },
  { key: 'securite_numerique', label: 'Prévention en sécurité numérique' },
  { key: 'parentalite', label: 'Parentalité' },
  { key: 'scolarite_et_numerique', label: 'Scolarité et numérique' },
  { key: 'creer_avec_le_numerique', label: 'Créer avec le numérique' },
  { key: 'culture_numerique', label: 'Culture numérique' },
  { key: 'intelligence_artificielle', label: 'Intelligence artificielle (IA)' },
  { key: 'aide_aux_demarches_administratives', label: 'Aide aux démarches administratives' },
];
export const ADMINISTRATIVE_THEME = 'aide_aux_demarches_administratives';

/** The ten families of procedures (demarches.json), plus « associations » as the national tool has. */
export const PROCEDURES: readonly Choice[] = [
  { key: 'papiers', label: 'Papiers - Citoyenneté - Élections' },
  { key: 'famille', label: 'Famille - Scolarité' },
  { key: 'social', label: 'Social - Santé' },
  { key: 'travail', label: 'Travail - Formation' },
  { key: 'logement', label: 'Logement' },
  { key: 'transports', label: 'Transports - Mobilité' },
  { key: 'argent', label: 'Argent - Impôts - Consommation' },
  { key: 'justice', label: 'Justice' },
  { key: 'etranger', label: 'Étranger - Europe' },
  { key: 'loisirs', label: 'Loisirs - Sport - Culture' },
  { key: 'associations', label: 'Associations' },
];

/** The four levels, from the emergency case to autonomy (ordered). */
export const AUTONOMY: readonly Choice[] = [
  { key: 'fait_pour', label: 'Fait à la place de la personne' },
  { key: 'avec_guidage', label: 'Fait avec la personne, avec guidage' },
  { key: 'autonome_avec_aide_ponctuelle', label: 'Autonome, avec aide en cas de besoin' },
  { key: 'autonome', label: 'Autonome' },
];
export const AUTONOMOUS = 'autonome';

export const SELF_ASSESSMENT: readonly Choice[] = [
  { key: 'oui', label: 'Oui' },
  { key: 'avec_aide', label: 'Avec un peu d’aide' },
  { key: 'non', label: 'Non' },
];

export const DEVICES: readonly string[] = ['Ordinateur', 'Téléphone', 'Tablette', 'Autre', 'Pas de matériel'];
export const SUGGESTED_DURATIONS: readonly number[] = [15, 30, 45, 60, 90, 120];
export const AGE_BANDS: readonly string[] = [
  'Moins de 12 ans',
  '12-17 ans',
  '18-24 ans',
  '25-39 ans',
  '40-59 ans',
  '60-69 ans',
  '70 ans et plus',
];
export const STATUSES: readonly string[] = ['Scolarisé', 'Sans emploi', 'En emploi', 'Retraité', 'Non communiqué'];
export const GENDERS: readonly Choice[] = [
  { key: 'feminin', label: 'Femmes' },
  { key: 'masculin', label: 'Hommes' },
];

export const PLACE_KINDS: readonly Choice[] = [
  { key: 'lieu', label: 'Dans un lieu de la structure' },
  { key: 'domicile', label: 'Au domicile de la personne' },
  { key: 'distance', label: 'À distance (téléphone, visio)' },
  { key: 'autre', label: 'Ailleurs, dans une autre commune' },
];

export const WORKSHOP_LEVELS: readonly Choice[] = [
  { key: 'debutant', label: 'Débutant' },
  { key: 'intermediaire', label: 'Intermédiaire' },
  { key: 'avance', label: 'Avancé' },
];

/** Kinds of structure a person can be oriented to (the national tool's list, grouped). */
export const ORIENTATION_KINDS: readonly Choice[] = [
  { key: 'mediation_numerique', label: 'Un autre lieu de médiation numérique' },
  { key: 'france_services', label: 'Un espace France services' },
  { key: 'organisme', label: 'L’organisme en charge de la démarche (CAF, CPAM, impôts…)' },
  { key: 'administration', label: 'Une administration (mairie, préfecture…)' },
  { key: 'social', label: 'Un service social (CCAS, assistante sociale…)' },
  { key: 'aide_demarches', label: 'Une structure d’aide aux démarches (aidant habilité)' },
  { key: 'autre', label: 'Une autre structure' },
];

export function labelOf(list: readonly Choice[], key: string | null | undefined): string {
  if (!key) return '';
  return list.find((c) => c.key === key)?.label ?? key;
}

export const keysOf = (list: readonly Choice[]): [string, ...string[]] =>
  list.map((c) => c.key) as [string, ...string[]];
