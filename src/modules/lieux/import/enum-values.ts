/**
 * Recognising the values of enumerated fields as people and older versions of the standard
 * write them: case, accents, apostrophes and spacing do not matter; synonyms and old values
 * map to the current ones; a few old values now belong to another field.
 */
import { ENUM_FIELDS, ENUMS, type EnumField } from '../standard.ts';

/** Where a written value ends up. */
export type Target =
  | { field: EnumField; value: string }
  | { field: 'autres_formations_labels'; value: string }
  | { drop: string };

/** « Point d’accès numérique caf » and « point d'acces numerique CAF » share one key. */
export function valueKey(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/œ/g, 'oe')
    .replace(/[^a-z0-9]/g, '');
}

const TOUT_PUBLIC: Target = { drop: 'tout public : ce n’est pas un public spécifique' };
const PASS_NUMERIQUE: Target = { field: 'autres_formations_labels', value: 'Pass numérique (APTIC)' };
const to = <F extends EnumField>(field: F, value: (typeof ENUMS)[F][number]): Target => ({ field, value });
const other = (value: string): Target => ({ field: 'autres_formations_labels', value });

/** Synonyms and values of earlier versions, per field (a string = a value of the same field). */
const SYNONYMS: { [F in EnumField]: Record<string, (typeof ENUMS)[F][number] | Target> } = {
  itinerance: { Itinérante: 'Itinérant', Mobile: 'Itinérant', Sédentaire: 'Fixe' },
  services: {
    'Devenir autonome dans les démarches administratives': 'Aide aux démarches administratives',
    'Réaliser des démarches administratives avec un accompagnement': 'Aide aux démarches administratives',
    'Accompagner les démarches de santé': 'Aide aux démarches administratives',
    'Démarches administratives': 'Aide aux démarches administratives',
    'Prendre en main un smartphone ou une tablette': 'Maîtrise des outils numériques du quotidien',
    'Prendre en main un ordinateur': 'Maîtrise des outils numériques du quotidien',
    'Utiliser le numérique au quotidien': 'Maîtrise des outils numériques du quotidien',
    'Approfondir ma culture numérique': 'Compréhension du monde numérique',
    'Promouvoir la citoyenneté numérique': 'Compréhension du monde numérique',
    'Favoriser mon insertion professionnelle': 'Insertion professionnelle via le numérique',
    'Créer et développer mon entreprise': 'Insertion professionnelle via le numérique',
    'Accéder à une connexion internet': 'Accès internet et matériel informatique',
    'Accéder à du matériel': 'Accès internet et matériel informatique',
    "S'équiper en matériel informatique": 'Acquisition de matériel informatique à prix solidaire',
    'Créer avec le numérique': 'Loisirs et créations numériques',
    "Soutenir la parentalité et l'éducation avec le numérique": 'Parentalité et éducation avec le numérique',
  },
  publics_specifiquement_adresses: {
    Jeune: 'Jeunes',
    Jeunesse: 'Jeunes',
    Étudiant: 'Étudiants',
    'Familles/enfants': 'Familles et/ou enfants',
    'Familles et enfants': 'Familles et/ou enfants',
    Familles: 'Familles et/ou enfants',
    Famille: 'Familles et/ou enfants',
    Enfants: 'Familles et/ou enfants',
    Parents: 'Familles et/ou enfants',
    Senior: 'Seniors',
    'Personnes âgées': 'Seniors',
    'Uniquement femmes': 'Femmes',
    Femme: 'Femmes',
    Adultes: TOUT_PUBLIC,
    'Tout public': TOUT_PUBLIC,
  },
  prise_en_charge_specifique: {
    'Handicap moteur': 'Handicaps moteurs',
    'Handicap mental': 'Handicaps mentaux',
    'Handicaps psychiques': 'Handicaps mentaux',
    'Handicap psychique': 'Handicaps mentaux',
    "Personnes en situation d'illettrisme": 'Illettrisme',
    'Public langues étrangères': 'Langues étrangères (autres)',
    'Langues étrangères': 'Langues étrangères (autres)',
    Anglais: 'Langues étrangères (anglais)',
    'Handicap visuel': 'Déficience visuelle',
    Malvoyants: 'Déficience visuelle',
    'Handicap auditif': 'Surdité',
    Malentendants: 'Surdité',
    Sourds: 'Surdité',
  },
  frais_a_charge: {
    Gratuite: 'Gratuit',
    Gratuité: 'Gratuit',
    'Gratuit sous conditions': 'Gratuit sous condition',
    Payante: 'Payant',
    Adhésion: 'Payant',
    'Accepte le Pass numérique': PASS_NUMERIQUE,
    'Pass numérique': PASS_NUMERIQUE,
  },
  dispositif_programmes_nationaux: {
    CNFS: 'Conseillers numériques',
    'Conseiller numérique': 'Conseillers numériques',
    'Conseiller numérique France Services': 'Conseillers numériques',
    'Conseillers numériques France Services': 'Conseillers numériques',
    'France Service': 'France Services',
    'Espace France Services': 'France Services',
    'Maison France Services': 'France Services',
    MSAP: 'France Services',
    'Aidant Connect': 'Aidants Connect',
    'Point numérique CAF': "Point d'accès numérique CAF",
    "Point d'accès numérique": "Point d'accès numérique CAF",
    'Grandes écoles du numérique': 'Grande école du numérique',
    'Bibliothèque numérique de référence': 'Bibliothèques numérique de référence',
    'Bibliothèques numériques de référence': 'Bibliothèques numérique de référence',
    PIX: 'Certification PIX',
    'Croix-Rouge': 'La Croix Rouge',
    'Croix-Rouge française': 'La Croix Rouge',
    'Promeneur du net': 'Promeneurs du net',
    'Fabriques de Territoire': to('formations_labels', 'Fabriques de Territoire'),
    'Fabrique de territoire': to('formations_labels', 'Fabriques de Territoire'),
    'SUD LABS': to('formations_labels', 'SUD LABS (PACA)'),
    APTIC: PASS_NUMERIQUE,
    'Pass numérique': PASS_NUMERIQUE,
    'Campus connecté': other('Campus connecté'),
    'French Tech': other('French Tech'),
    'Relais pôle emploi': other('Relais pôle emploi'),
    'Point relais CAF': other('Point relais CAF'),
  },
  formations_labels: {
    'Mon Espace Santé': 'Formé à « Mon Espace Santé »',
    DUPLEX: 'Formé à « DUPLEX » (illettrisme)',
    Arnia: 'Arnia/MedNum BFC (Bourgogne-Franche-Comté)',
    'MedNum BFC': 'Arnia/MedNum BFC (Bourgogne-Franche-Comté)',
    'Fabrique de territoire': 'Fabriques de Territoire',
  },
  modalites_acces: {
    'Se présenter sur place': 'Se présenter',
    'Sans rendez-vous': 'Se présenter',
    Téléphone: 'Téléphoner',
    'Par téléphone': 'Téléphoner',
    Mail: 'Contacter par mail',
    'E-mail': 'Contacter par mail',
    Courriel: 'Contacter par mail',
    'Par mail': 'Contacter par mail',
    'Contacter par courriel': 'Contacter par mail',
    'Contacter par e-mail': 'Contacter par mail',
    'RDV en ligne': 'Prendre un RDV en ligne',
    'Rendez-vous en ligne': 'Prendre un RDV en ligne',
    'Prendre un rendez-vous en ligne': 'Prendre un RDV en ligne',
  },
  modalites_accompagnement: {
    Seul: 'En autonomie',
    Autonomie: 'En autonomie',
    "Avec de l'aide": 'Accompagnement individuel',
    'À ma place': 'Accompagnement individuel',
    Individuel: 'Accompagnement individuel',
    'Dans un atelier': 'Dans un atelier collectif',
    Atelier: 'Dans un atelier collectif',
    Ateliers: 'Dans un atelier collectif',
    'Atelier collectif': 'Dans un atelier collectif',
    'Ateliers collectifs': 'Dans un atelier collectif',
    Distance: 'À distance',
    'En ligne': 'À distance',
  },
};

const TRAILING_PARENTHESIS = /\s*\([^()]*\)\s*$/;

function buildIndex(field: EnumField): Map<string, Target> {
  const index = new Map<string, Target>();
  const derived = new Map<string, Target | null>();
  for (const value of ENUMS[field]) {
    index.set(valueKey(value), { field, value });
    // « Mes Papiers » for « Mes Papiers (Métropole de Lyon) », unless ambiguous.
    const short = valueKey(value.replace(TRAILING_PARENTHESIS, ''));
    if (short !== valueKey(value)) derived.set(short, derived.has(short) ? null : { field, value });
  }
  for (const [key, target] of derived) if (target && !index.has(key)) index.set(key, target);
  for (const [text, target] of Object.entries(SYNONYMS[field] as Record<string, string | Target>)) {
    index.set(valueKey(text), typeof target === 'string' ? { field, value: target } : target);
  }
  return index;
}

const INDEXES = new Map<EnumField, Map<string, Target>>(ENUM_FIELDS.map((f) => [f, buildIndex(f)]));

/**
 * The target of a written value, or null if not recognised. Also tries the part before « : »
 * (« Gratuit : je peux accéder… ») and without a final parenthesis (« À distance (par téléphone) »).
 */
export function recogniseValue(field: EnumField, text: string): Target | null {
  const index = INDEXES.get(field);
  if (!index) return null;
  const candidates = [text, text.split(/\s*:\s/)[0] ?? text, text.replace(TRAILING_PARENTHESIS, '')];
  for (const candidate of candidates) {
    const found = index.get(valueKey(candidate));
    if (found) return found;
  }
  return null;
}

/** How a value of the old field publics_accueillis maps to the v1.0.2 fields. */
export function recogniseLegacyPublic(text: string): Target | null {
  return recogniseValue('publics_specifiquement_adresses', text) ?? recogniseValue('prise_en_charge_specifique', text);
}
