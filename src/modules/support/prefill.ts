/**
 * Addresses of the session form pre-filled by other modules' steps: a voucher just redeemed
 * (place, date, the service given → theme, the person when known).
 */

/** The standard's services of a place (lieux) → the referentiel's themes of a support session. */
export const SERVICE_THEMES: Readonly<Record<string, string>> = {
  'Aide aux démarches administratives': 'aide_aux_demarches_administratives',
  'Maîtrise des outils numériques du quotidien': 'prendre_en_main_du_materiel',
  'Insertion professionnelle via le numérique': 'insertion_professionnelle',
  'Utilisation sécurisée du numérique': 'securite_numerique',
  'Parentalité et éducation avec le numérique': 'parentalite',
  'Loisirs et créations numériques': 'creer_avec_le_numerique',
  'Compréhension du monde numérique': 'culture_numerique',
  'Accès internet et matériel informatique': 'navigation_sur_internet',
  'Acquisition de matériel informatique à prix solidaire': 'prendre_en_main_du_materiel',
};

/** The session form for what a voucher paid: same place and day, the service's theme. */
export function sessionFormUrlForVoucher(input: {
  placeId: string;
  service: string;
  date: string;
  personId?: string | null;
  /** The redemption: the session records it, for the funder's report of outcomes. */
  redemptionId?: string | null;
}): string {
  const params = new URLSearchParams({ lieu: input.placeId, date: input.date });
  const theme = SERVICE_THEMES[input.service];
  if (theme) params.append('thematiques', theme);
  if (input.personId) params.set('personne', input.personId);
  if (input.redemptionId) params.set('cheque', input.redemptionId);
  return `/accompagnements/nouveau?${params.toString()}`;
}
