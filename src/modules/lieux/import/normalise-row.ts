/**
 * One row of an uploaded file → a place of the standard, or the list of everything that
 * prevents it. Variants found in real files are normalised and each normalisation is noted
 * (in French) as a correction; what cannot be understood is an error. Pure: no I/O.
 *
 * Decisions:
 * - empty cells are simply absent values (no correction noted); « NULL », « N/A »… too, noted;
 * - trimming/collapsing spaces is noted (« Espaces en trop retirés. »);
 * - horaires is only trimmed: another module reads opening hours;
 * - date_maj 1970-01-01 (a common « unknown » placeholder) is kept and noted;
 * - coordinates 0, 0 are treated as absent (noted); swapped coordinates are put back;
 * - a presentation_resume longer than 280 characters is cut; when presentation_detail is
 *   empty, the full text goes there so that nothing is lost;
 * - old labels without an equivalent (APTIC, Campus connecté…) go to autres_formations_labels.
 */
import { ENUM_FIELDS, type EnumField, type Field, formatDecimal, type Place, REQUIRED } from '../standard.ts';
import {
  normaliseCode,
  normaliseDate,
  normaliseEmail,
  normalisePhone,
  normalisePivot,
  normaliseUrl,
  shortenResume,
} from './formats.ts';
import { isInFrance } from './france.ts';
import { type Moves, mergeMoves, readEnumList, readFreeList, readLegacyPublics } from './lists.ts';
import { CELL_COUNT_MISMATCH, type CellCountMismatch } from './read-file.ts';
import { asText, cleanParagraphs, DROPPED, type Issue, quote, RowReport, readText } from './report.ts';

export { isInFrance } from './france.ts';
export type { Issue } from './report.ts';

export type NormaliseResult = { ok: true; place: Place; corrections: Issue[] } | { ok: false; errors: Issue[] };
export type NormaliseOptions = {
  today: string;
  /** Imports: drop a bad optional value (noted) rather than reject the row (see RowReport). */
  dropBadOptionalValues?: boolean;
};

function readCoordinate(raw: unknown, field: 'latitude' | 'longitude', report: RowReport): number | null {
  if (typeof raw === 'number') {
    if (Number.isFinite(raw)) return raw;
    report.error(field, `La ${field} n'est pas un nombre.`);
    return null;
  }
  const text = asText(raw, field, report);
  if (text === null) return null;
  let number = text.trim();
  if (/^[+-]?\d+,\d+$/.test(number)) {
    number = number.replace(',', '.');
    report.fix(field, `Virgule décimale remplacée par un point (${text.trim()}).`);
  }
  if (/^[+-]?(\d+\.?\d*|\.\d+)$/.test(number)) return Number(number);
  report.error(field, `La ${field} ${quote(text)} n'est pas un nombre.`);
  return null;
}

/** Coordinates, or none when they cannot be used (the place is then located at its commune). */
function readCoordinates(values: Record<string, unknown>, report: RowReport): [number | null, number | null] {
  const [errors, corrections] = [report.errors.length, report.corrections.length];
  const coordinates = readCoordinatePair(values, report);
  const unusable =
    report.errors.length > errors || report.corrections.slice(corrections).some((c) => c.message.endsWith(DROPPED));
  return unusable ? [null, null] : coordinates;
}

function readCoordinatePair(values: Record<string, unknown>, report: RowReport): [number | null, number | null] {
  let lat = readCoordinate(values.latitude, 'latitude', report);
  let lon = readCoordinate(values.longitude, 'longitude', report);
  const latWritten = lat !== null || asText(values.latitude, 'latitude', new RowReport()) !== null;
  const lonWritten = lon !== null || asText(values.longitude, 'longitude', new RowReport()) !== null;
  if (lat === null || lon === null) {
    if (lat !== null && !lonWritten) report.error('longitude', 'La latitude est renseignée mais pas la longitude.');
    if (lon !== null && !latWritten) report.error('latitude', 'La longitude est renseignée mais pas la latitude.');
    return [null, null];
  }
  if (lat === 0 && lon === 0) {
    report.fix('latitude', 'Coordonnées 0, 0 ignorées : elles ne désignent pas un lieu réel.');
    return [null, null];
  }
  if (!isInFrance(lat, lon) && isInFrance(lon, lat)) {
    [lat, lon] = [lon, lat];
    report.fix(
      'latitude',
      `Latitude et longitude inversées : remises dans l'ordre (${formatDecimal(lat)}, ${formatDecimal(lon)}).`,
    );
  }
  let inRange = true;
  if (lat < -90 || lat > 90) {
    report.error('latitude', `La latitude doit être comprise entre -90 et 90 (reçu : ${formatDecimal(lat)}).`);
    inRange = false;
  }
  if (lon < -180 || lon > 180) {
    report.error('longitude', `La longitude doit être comprise entre -180 et 180 (reçu : ${formatDecimal(lon)}).`);
    inRange = false;
  }
  if (inRange && !isInFrance(lat, lon)) {
    report.error(
      'latitude',
      `Les coordonnées (${formatDecimal(lat)}, ${formatDecimal(lon)}) sont en dehors de la France : vérifiez-les ou laissez-les vides.`,
    );
  }
  return [lat, lon];
}

function readList<T>(
  raw: unknown,
  field: string,
  report: RowReport,
  split: RegExp,
  read: (text: string) => T | null,
): T[] {
  const text = Array.isArray(raw) ? raw.map(String).join('|') : asText(raw, field, report);
  if (text === null) return [];
  const items = text
    .trim()
    .split(split)
    .filter((t) => t !== '');
  if (items.length > 1 && text.replace(/\s*\|\s*/g, '|').split('|').length !== items.length) {
    report.fix(field, 'Valeurs séparées par « | ».');
  }
  const out: T[] = [];
  for (const item of items) {
    const value = read(item);
    if (value === null) continue;
    if (out.some((v) => String(v).toLowerCase() === String(value).toLowerCase())) {
      report.fix(field, `Doublon retiré : ${quote(String(value))}.`);
    } else out.push(value);
  }
  return out;
}

function readUrl(values: Record<string, unknown>, field: Field, report: RowReport): string | null {
  const text = asText(values[field], field, report);
  return text === null ? null : normaliseUrl(text.trim(), field, report);
}

function readOtherLabels(values: Record<string, unknown>, report: RowReport, moves: Moves): string | null {
  let labels = readText(values.autres_formations_labels, 'autres_formations_labels', report);
  for (const label of moves.get('autres_formations_labels') ?? []) {
    if (labels?.toLowerCase().includes(label.toLowerCase())) continue;
    labels = labels === null ? label : `${labels}, ${label}`;
  }
  return labels;
}

export function normaliseRow(values: Record<string, unknown>, options: NormaliseOptions): NormaliseResult {
  const report = new RowReport(options.dropBadOptionalValues === true);
  const mismatch = values[CELL_COUNT_MISMATCH] as CellCountMismatch | undefined;
  if (mismatch) {
    const message = `La ligne compte ${mismatch.found} cellules au lieu de ${mismatch.expected} : vérifiez les séparateurs et les guillemets.`;
    return { ok: false, errors: [{ field: 'ligne', message }] };
  }
  const text = (field: Field) => readText(values[field], field, report);
  const trimmed = (field: Field) => asText(values[field], field, report)?.trim() ?? null;

  const id = text('id');
  const pivotText = trimmed('pivot');
  const pivot = pivotText === null ? null : normalisePivot(pivotText, report);
  const nom = text('nom');
  const commune = text('commune');
  const postcodeText = trimmed('code_postal');
  const codePostal = postcodeText === null ? null : normaliseCode(postcodeText, 'code_postal', report);
  const inseeText = trimmed('code_insee');
  const codeInsee = inseeText === null ? null : normaliseCode(inseeText, 'code_insee', report);
  const adresse = text('adresse');
  const [latitude, longitude] = readCoordinates(values, report);
  const phoneText = trimmed('telephone');
  const telephone = phoneText === null ? null : normalisePhone(phoneText, report);
  const courriels = readList(values.courriels, 'courriels', report, /[\s|;,]+/, (t) => normaliseEmail(t, report));
  const siteWeb = readList(values.site_web, 'site_web', report, /\s*[|;]\s*|\s+|,\s*(?=https?:|www\.)/i, (t) =>
    normaliseUrl(t, 'site_web', report),
  );
  const horairesRaw = asText(values.horaires, 'horaires', report);
  const horaires = horairesRaw?.trim() ?? null;
  if (horairesRaw !== null && horaires !== horairesRaw) report.fix('horaires', 'Espaces en trop retirés.');
  let resume = text('presentation_resume');
  let detail = readText(values.presentation_detail, 'presentation_detail', report, cleanParagraphs);
  const short = resume === null ? null : shortenResume(resume);
  if (resume !== null && short !== null) {
    const length = [...resume].length;
    if (detail === null) {
      detail = resume;
      report.fix(
        'presentation_resume',
        `Résumé raccourci à 280 caractères (il en comptait ${length}) ; le texte complet est gardé dans presentation_detail.`,
      );
    } else report.fix('presentation_resume', `Résumé raccourci à 280 caractères (il en comptait ${length}).`);
    resume = short;
  }
  const dateText = trimmed('date_maj');
  const dateMaj = dateText === null ? null : normaliseDate(dateText, options.today, report);

  const moves: Moves = new Map();
  const lists = {} as Record<EnumField, string[]>;
  for (const field of ENUM_FIELDS) lists[field] = readEnumList(values[field], field, report, moves);
  if (values.publics_accueillis !== undefined) readLegacyPublics(values.publics_accueillis, report, moves);
  for (const field of ENUM_FIELDS) lists[field] = mergeMoves(lists[field], field, moves);
  const complement = text('complement_adresse');
  const typologie = readFreeList(values.typologie, 'typologie', report);
  const source = text('source');
  const structureParente = text('structure_parente');
  const otherLabels = readOtherLabels(values, report, moves);
  const ficheAccesLibre = readUrl(values, 'fiche_acces_libre', report);
  const priseRdv = readUrl(values, 'prise_rdv', report);

  const required: Record<string, unknown> = {
    id,
    pivot,
    nom,
    commune,
    code_postal: codePostal,
    adresse,
    date_maj: dateMaj,
  };
  for (const field of REQUIRED) {
    const written = asText(values[field], field, new RowReport());
    if (required[field] === null && written === null) report.error(field, `Le champ ${field} est obligatoire.`);
  }
  if (report.errors.length > 0 || !id || !pivot || !nom || !commune || !codePostal || !adresse || !dateMaj) {
    return { ok: false, errors: report.errors };
  }
  const place: Place = {
    id,
    pivot,
    nom,
    commune,
    code_postal: codePostal,
    code_insee: codeInsee,
    adresse,
    complement_adresse: complement,
    latitude,
    longitude,
    typologie,
    telephone,
    courriels,
    site_web: siteWeb,
    horaires: horaires === '' ? null : horaires,
    presentation_resume: resume,
    presentation_detail: detail,
    source,
    itinerance: lists.itinerance as Place['itinerance'],
    structure_parente: structureParente,
    date_maj: dateMaj,
    services: lists.services as Place['services'],
    publics_specifiquement_adresses: lists.publics_specifiquement_adresses as Place['publics_specifiquement_adresses'],
    prise_en_charge_specifique: lists.prise_en_charge_specifique as Place['prise_en_charge_specifique'],
    frais_a_charge: lists.frais_a_charge as Place['frais_a_charge'],
    dispositif_programmes_nationaux: lists.dispositif_programmes_nationaux as Place['dispositif_programmes_nationaux'],
    formations_labels: lists.formations_labels as Place['formations_labels'],
    autres_formations_labels: otherLabels,
    modalites_acces: lists.modalites_acces as Place['modalites_acces'],
    modalites_accompagnement: lists.modalites_accompagnement as Place['modalites_accompagnement'],
    fiche_acces_libre: ficheAccesLibre,
    prise_rdv: priseRdv,
  };
  return { ok: true, place, corrections: report.corrections };
}
