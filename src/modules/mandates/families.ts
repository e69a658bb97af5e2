/**
 * The ten families of procedures a mandate covers (../shared/data/referentiels/demarches.json),
 * with FranceConnect's delegation labels (`rep_scope`, next-modules.md §6.7).
 */
export const FAMILIES = [
  { key: 'papiers', title: 'Papiers - Citoyenneté - Élections', fc: 'Papier-Citoyenneté-Elections' },
  { key: 'famille', title: 'Famille - Scolarité', fc: 'Famille-Scolarité' },
  { key: 'social', title: 'Social - Santé', fc: 'Social-Santé' },
  { key: 'travail', title: 'Travail - Formation', fc: 'Travail-Formation' },
  { key: 'logement', title: 'Logement', fc: 'Logement' },
  { key: 'transports', title: 'Transports - Mobilité', fc: 'Transports-Mobilité' },
  { key: 'argent', title: 'Argent - Impôts - Consommation', fc: 'Argent-Impots-Consommation' },
  { key: 'justice', title: 'Justice', fc: 'Justice' },
  { key: 'etranger', title: 'Étranger - Europe', fc: 'Etranger-Europe' },
  { key: 'loisirs', title: 'Loisirs - Sport - Culture', fc: 'Loisirs-Sport-Culture' },
] as const;

export type FamilyKey = (typeof FAMILIES)[number]['key'];
export const FAMILY_KEYS = FAMILIES.map((f) => f.key) as readonly FamilyKey[];

export function isFamily(value: string): value is FamilyKey {
  return (FAMILY_KEYS as readonly string[]).includes(value);
}

export function familyTitle(key: string): string {
  return FAMILIES.find((f) => f.key === key)?.title ?? key;
}

export function familyFcLabel(key: string): string | undefined {
  return FAMILIES.find((f) => f.key === key)?.fc;
}

export function familyOfFcLabel(label: string): FamilyKey | undefined {
  return FAMILIES.find((f) => f.fc === label || f.key === label)?.key;
}
