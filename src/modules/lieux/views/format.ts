/** Display helpers for places: distances, map links, plain-French labels. */
import { ENUMS, type EnumField, SERVICE_LABELS } from '../standard.ts';

const kmOneDecimal = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1 });
const kmWhole = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 });

export function displayDistance(km: number | null): string | null {
  if (km === null) return null;
  if (km < 1) return `à ${Math.max(50, Math.round((km * 1000) / 50) * 50)} m`;
  return `à ${(km < 10 ? kmOneDecimal : kmWhole).format(km)} km`;
}

export function directionsUrl(lat: number, lon: number): string {
  return `https://www.openstreetmap.org/directions?to=${lat.toFixed(6)}%2C${lon.toFixed(6)}`;
}

export function mapUrl(lat: number, lon: number): string {
  return `https://www.openstreetmap.org/?mlat=${lat.toFixed(6)}&mlon=${lon.toFixed(6)}#map=17/${lat.toFixed(6)}/${lon.toFixed(6)}`;
}

export function serviceLabel(value: string): string {
  return SERVICE_LABELS[value as keyof typeof SERVICE_LABELS] ?? value;
}

/** Labels of the filters as a person reads them. */
export const filterLegends: Record<EnumField, string> = {
  services: 'De quoi avez-vous besoin ?',
  publics_specifiquement_adresses: 'Pour qui ?',
  prise_en_charge_specifique: 'Accueil adapté',
  frais_a_charge: 'Prix',
  modalites_acces: 'Comment y aller',
  modalites_accompagnement: "Type d'aide",
  dispositif_programmes_nationaux: 'Réseaux nationaux',
  formations_labels: 'Formations et labels',
  itinerance: 'Lieu fixe ou itinérant',
};

export function optionsOf(field: EnumField): Array<{ value: string; label: string }> {
  return (ENUMS[field] as readonly string[]).map((v) => ({
    value: v,
    label: field === 'services' ? serviceLabel(v) : v,
  }));
}

/** A commune name written in capitals in the source, shown in normal case. */
export function displayCommune(name: string): string {
  if (name !== name.toUpperCase()) return name;
  return name
    .toLowerCase()
    .replace(/(^|[\s'-])(\p{L})/gu, (_m, sep: string, c: string) => sep + c.toUpperCase())
    .replace(/\b(De|Du|Des|La|Le|Les|En|Sur|Sous|Et|Aux)\b(?!$)/g, (w, _x, offset: number) =>
      offset === 0 ? w : w.toLowerCase(),
    );
}

/** A place's temporary or exceptional closure as of today: under way, coming, or none (over or unset). */
export type Closure = { now: boolean; from: string; until: string } | null;

export function closureOf(p: { closed_from: string | null; closed_until: string | null }, today: string): Closure {
  if (!p.closed_from || !p.closed_until || p.closed_until < today) return null;
  return { now: p.closed_from <= today, from: p.closed_from, until: p.closed_until };
}
