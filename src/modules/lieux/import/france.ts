/**
 * Where France is, roughly: one bounding box per territory (with a small margin). Enough to
 * catch coordinates that are swapped, zero, or from another country; not a border check.
 */
export const FRANCE_BOXES: ReadonlyArray<{
  name: string;
  lat: readonly [number, number];
  lon: readonly [number, number];
}> = [
  { name: 'France métropolitaine et Corse', lat: [41.3, 51.15], lon: [-5.25, 9.6] },
  { name: 'Guadeloupe', lat: [15.8, 16.55], lon: [-61.85, -60.95] },
  { name: 'Saint-Martin et Saint-Barthélemy', lat: [17.85, 18.15], lon: [-63.2, -62.75] },
  { name: 'Martinique', lat: [14.35, 14.9], lon: [-61.25, -60.8] },
  { name: 'Guyane', lat: [2.1, 5.8], lon: [-54.65, -51.6] },
  { name: 'La Réunion', lat: [-21.4, -20.85], lon: [55.2, 55.85] },
  { name: 'Mayotte', lat: [-13.05, -12.6], lon: [44.95, 45.35] },
  { name: 'Saint-Pierre-et-Miquelon', lat: [46.7, 47.15], lon: [-56.45, -56.1] },
  { name: 'Wallis-et-Futuna', lat: [-14.4, -13.15], lon: [-178.25, -176.1] },
  { name: 'Polynésie française', lat: [-27.7, -7.8], lon: [-154.8, -134.4] },
  { name: 'Nouvelle-Calédonie', lat: [-22.8, -19.5], lon: [163.5, 168.2] },
];

export function isInFrance(lat: number, lon: number): boolean {
  return FRANCE_BOXES.some((b) => lat >= b.lat[0] && lat <= b.lat[1] && lon >= b.lon[0] && lon <= b.lon[1]);
}
