/**
 * A support session as a helper's form (or an API) sends it → a checked SessionInput, or one
 * ValidationError with a French message per field. Rules that need the database (the place is
 * one of the structure's, the person is visible) are checked by the use case.
 */
import { type FieldErrors, ValidationError } from '../../platform/http/errors.ts';
import { addDays, isIsoDate } from '../../platform/print/index.ts';
import {
  ADMINISTRATIVE_THEME,
  AGE_BANDS,
  AUTONOMY,
  DEVICES,
  GENDERS,
  ORIENTATION_KINDS,
  PLACE_KINDS,
  PROCEDURES,
  SELF_ASSESSMENT,
  STATUSES,
  THEMES,
  WORKSHOP_LEVELS,
} from './data.ts';
import { MAX_WORKSHOP_SIZE } from './deps.ts';

export type SessionKind = 'individuel' | 'atelier';

export interface AnonymousCounts {
  total: number;
  deja: number;
  genre: Record<string, number>;
  age: Record<string, number>;
  statut: Record<string, number>;
}

export interface SessionInput {
  organisationId: string;
  kind: SessionKind;
  date: string;
  durationMinutes: number;
  placeKind: 'lieu' | 'domicile' | 'distance' | 'autre';
  placeId: string | null;
  /** What was typed for a home visit or another commune (resolved by the use case). */
  commune: string | null;
  themes: string[];
  procedures: string[];
  procedureName: string | null;
  devices: string[];
  autonomy: string | null;
  selfAssessment: string | null;
  orientedTo: string | null;
  orientedPlaceId: string | null;
  notes: string | null;
  workshopTitle: string | null;
  workshopLevel: string | null;
  anonymous: AnonymousCounts | null;
  /** The person the session names (individual), or the followed participants (workshop). */
  personIds: string[];
  /** A slip code (fiche d'orientation) the person came with. */
  slipCode: string | null;
  /** The voucher redemption the session follows (the form opened after encaissement). */
  redemptionId: string | null;
  /** The mandate the helper used, if any (checked against the structure and date by the use case). */
  mandateId: string | null;
}

type Body = Record<string, unknown>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it refuses
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
/** The earliest date a session may carry: older records belong to another tool. */
export const EARLIEST_DATE = '2020-01-01';

function one(body: Body, name: string): string {
  const v = body[name];
  const s = Array.isArray(v) ? v[v.length - 1] : v;
  return typeof s === 'string' ? s.trim() : '';
}

function all(body: Body, name: string): string[] {
  const v = body[name];
  const list = Array.isArray(v) ? v : v === undefined ? [] : [v];
  return [...new Set(list.filter((x): x is string => typeof x === 'string' && x !== '').map((x) => x.trim()))];
}

const keySet = (list: readonly { key: string }[]) => new Set(list.map((c) => c.key));
const THEME_KEYS = keySet(THEMES);
const PROCEDURE_KEYS = keySet(PROCEDURES);

/** A whole number typed in a form: '' → null; anything else must be digits within bounds. */
function wholeNumber(
  errors: FieldErrors,
  field: string,
  raw: string,
  bounds: { min: number; max: number; what: string },
): number | null {
  if (raw === '') return null;
  if (!/^\d{1,7}$/.test(raw)) {
    errors[field] = `${bounds.what} : saisissez un nombre entier, par exemple 45.`;
    return null;
  }
  const n = Number(raw);
  if (n < bounds.min || n > bounds.max) {
    errors[field] = `${bounds.what} : entre ${bounds.min} et ${bounds.max}.`;
    return null;
  }
  return n;
}

function freeText(errors: FieldErrors, field: string, raw: string, max: number, what: string): string | null {
  if (raw === '') return null;
  if (CONTROL.test(raw)) {
    errors[field] = `${what} : ce texte contient des caractères invisibles. Retapez-le.`;
    return null;
  }
  if (raw.length > max) {
    errors[field] = `${what} : au plus ${max} caractères (ici ${raw.length}).`;
    return null;
  }
  return raw;
}

/** The duration: a choice among the offered ones, or « autre » with minutes typed. */
function duration(errors: FieldErrors, body: Body): number {
  const choice = one(body, 'duree');
  const custom = one(body, 'duree_autre');
  const raw = choice === 'autre' || (choice === '' && custom !== '') ? custom : choice;
  if (raw === '') {
    errors.duree = 'Indiquez la durée de l’accompagnement.';
    return 0;
  }
  const field = choice === 'autre' || choice === '' ? 'duree_autre' : 'duree';
  if (!/^\d{1,7}$/.test(raw)) {
    errors[field] = 'La durée se saisit en minutes, par exemple 45.';
    return 0;
  }
  const n = Number(raw);
  if (n === 0) errors[field] = 'La durée ne peut pas être nulle : au moins 1 minute.';
  else if (n > 480) errors[field] = 'Une séance dure au plus 8 heures (480 minutes) : enregistrez plusieurs séances.';
  return n;
}

function anonymousCounts(errors: FieldErrors, body: Body): AnonymousCounts {
  const count = (field: string, what: string) =>
    wholeNumber(errors, field, one(body, field), { min: 0, max: MAX_WORKSHOP_SIZE, what }) ?? 0;
  const total = count('anonymes_total', 'Participants anonymes');
  const deja = count('anonymes_deja', 'Déjà accompagnés');
  const genre: Record<string, number> = {};
  for (const g of GENDERS) genre[g.key] = count(`anonymes_genre_${g.key}`, g.label);
  const age: Record<string, number> = {};
  AGE_BANDS.forEach((band, i) => {
    age[band] = count(`anonymes_age_${i}`, band);
  });
  const statut: Record<string, number> = {};
  STATUSES.forEach((s, i) => {
    statut[s] = count(`anonymes_statut_${i}`, s);
  });
  const over = (sum: number) => sum > total;
  const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
  if (deja > total) errors.anonymes_deja = 'Les personnes déjà accompagnées ne peuvent pas dépasser le total.';
  if (over(sum(genre))) errors.anonymes_genre_feminin = 'Femmes et hommes ensemble dépassent le total.';
  if (over(sum(age))) errors.anonymes_age_0 = 'Les tranches d’âge ensemble dépassent le total.';
  if (over(sum(statut))) errors.anonymes_statut_0 = 'Les statuts ensemble dépassent le total.';
  return { total, deja, genre, age, statut };
}

/** Parses the form of a session. `today` is the Paris date (no session in the future). */
export function parseSessionInput(body: unknown, today: string): SessionInput {
  const b = (body && typeof body === 'object' ? body : {}) as Body;
  const errors: FieldErrors = {};

  const organisationId = one(b, 'organisation');
  if (!UUID.test(organisationId)) errors.organisation = 'Choisissez la structure pour laquelle vous accompagnez.';

  const kindRaw = one(b, 'type') || 'individuel';
  const kind: SessionKind = kindRaw === 'atelier' ? 'atelier' : 'individuel';
  if (kindRaw !== 'individuel' && kindRaw !== 'atelier') errors.type = 'Choisissez « individuel » ou « atelier ».';

  let date = one(b, 'date') || today;
  if (!isIsoDate(date)) {
    errors.date = 'La date n’existe pas : saisissez-la comme 14/11/2026 ou choisissez-la dans le calendrier.';
    date = today;
  } else if (date > today) {
    errors.date = 'La date est dans le futur : enregistrez la séance le jour où elle a lieu.';
  } else if (date < EARLIEST_DATE) {
    errors.date = 'Cette date est trop ancienne (avant 2020).';
  }

  const durationMinutes = duration(errors, b);

  const placeKindRaw = one(b, 'lieu_type') || 'lieu';
  const placeKind = (
    PLACE_KINDS.some((p) => p.key === placeKindRaw) ? placeKindRaw : 'lieu'
  ) as SessionInput['placeKind'];
  if (placeKind !== placeKindRaw) errors.lieu_type = 'Choisissez où a eu lieu l’accompagnement.';
  const placeIdRaw = one(b, 'lieu');
  const placeId = placeKind === 'lieu' ? placeIdRaw.slice(0, 200) || null : null;
  if (placeKind === 'lieu' && !placeId) errors.lieu = 'Choisissez le lieu de la structure.';
  const communeRaw = freeText(errors, 'commune', one(b, 'commune'), 100, 'Commune');
  const commune = placeKind === 'domicile' || placeKind === 'autre' ? communeRaw : null;
  if ((placeKind === 'domicile' || placeKind === 'autre') && !commune && !errors.commune) {
    errors.commune = 'Indiquez la commune (nom ou code postal).';
  }

  const themesRaw = all(b, 'thematiques');
  const themes = themesRaw.filter((t) => THEME_KEYS.has(t));
  if (themesRaw.length !== themes.length) errors.thematiques = 'Un des thèmes choisis n’existe pas.';
  else if (themes.length === 0) errors.thematiques = 'Cochez au moins un thème.';

  const administrative = themes.includes(ADMINISTRATIVE_THEME);
  const proceduresRaw = administrative ? all(b, 'demarches') : [];
  const procedures = proceduresRaw.filter((p) => PROCEDURE_KEYS.has(p));
  if (proceduresRaw.length !== procedures.length) errors.demarches = 'Une des démarches choisies n’existe pas.';
  const procedureName = administrative
    ? freeText(errors, 'demarche_nom', one(b, 'demarche_nom'), 200, 'Nom de la démarche')
    : null;

  const devicesRaw = all(b, 'materiel');
  const devices = devicesRaw.filter((d) => DEVICES.includes(d));
  if (devicesRaw.length !== devices.length) errors.materiel = 'Un des matériels choisis n’existe pas.';
  if (devices.includes('Pas de matériel') && devices.length > 1) {
    errors.materiel = '« Pas de matériel » ne va pas avec un autre matériel.';
  }

  const choice = (field: string, list: readonly { key: string }[], message: string): string | null => {
    const v = one(b, field);
    if (v === '') return null;
    if (!list.some((c) => c.key === v)) {
      errors[field] = message;
      return null;
    }
    return v;
  };
  const autonomy =
    kind === 'individuel' ? choice('autonomie', AUTONOMY, 'Choisissez un niveau d’autonomie de la liste.') : null;
  const selfAssessment =
    kind === 'individuel' ? choice('refaire_seul', SELF_ASSESSMENT, 'Choisissez une réponse de la liste.') : null;
  const orientedTo = choice('orientation', ORIENTATION_KINDS, 'Choisissez un type de structure de la liste.');
  const orientedPlace = one(b, 'orientation_lieu').slice(0, 200);
  const orientedPlaceId = orientedTo && orientedPlace ? orientedPlace : null;
  if (!orientedTo && orientedPlace) errors.orientation = 'Choisissez aussi le type de structure.';

  const notes = freeText(errors, 'notes', one(b, 'notes'), 2000, 'Notes');

  let workshopTitle: string | null = null;
  let workshopLevel: string | null = null;
  let anonymous: AnonymousCounts | null = null;
  const personIds = all(b, kind === 'atelier' ? 'participants' : 'personne').slice(0, MAX_WORKSHOP_SIZE);
  if (personIds.some((p) => !UUID.test(p))) errors.personne = 'La personne choisie est inconnue.';
  if (kind === 'individuel' && personIds.length > 1)
    errors.personne = 'Un accompagnement individuel concerne une personne.';
  if (kind === 'atelier') {
    workshopTitle = freeText(errors, 'atelier_titre', one(b, 'atelier_titre'), 200, 'Titre de l’atelier');
    if (!workshopTitle && !errors.atelier_titre) errors.atelier_titre = 'Donnez un titre à l’atelier.';
    workshopLevel = choice('atelier_niveau', WORKSHOP_LEVELS, 'Choisissez un niveau de la liste.');
    if (!workshopLevel && !errors.atelier_niveau) errors.atelier_niveau = 'Choisissez le niveau de l’atelier.';
    anonymous = anonymousCounts(errors, b);
    if (anonymous.total + personIds.length === 0 && !errors.anonymes_total) {
      errors.anonymes_total = 'Un atelier a au moins un participant : indiquez le nombre de participants.';
    }
  }

  const chequeRaw = one(b, 'cheque');
  const redemptionId = chequeRaw === '' ? null : chequeRaw;
  if (redemptionId !== null && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(redemptionId)) {
    errors.cheque = 'Ce chèque n’est pas reconnu : ouvrez le formulaire depuis la page du chèque encaissé.';
  }
  const mandateRaw = one(b, 'mandat');
  const mandateId = mandateRaw === '' ? null : mandateRaw;
  if (mandateId !== null && !UUID.test(mandateId)) {
    errors.mandat = "Ce mandat n'est pas valide pour cette structure à cette date.";
  }
  const slipRaw = one(b, 'fiche');
  const slipCode = slipRaw === '' ? null : slipRaw.slice(0, 40);

  if (Object.keys(errors).length > 0) throw new ValidationError(errors);
  return {
    organisationId,
    kind,
    date,
    durationMinutes,
    placeKind,
    placeId,
    commune,
    themes,
    procedures,
    procedureName,
    devices,
    autonomy,
    selfAssessment,
    orientedTo,
    orientedPlaceId,
    notes,
    workshopTitle,
    workshopLevel,
    anonymous,
    personIds,
    slipCode,
    redemptionId,
    mandateId,
  };
}

/** The last day a session recorded at `createdOn` (Paris date) may still be changed. */
export function lastChangeDay(createdOn: string, windowDays: number): string {
  return addDays(createdOn, windowDays);
}
