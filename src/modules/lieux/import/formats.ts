/**
 * Field formats of the standard: codes, phone, web links, e-mails, dates, summary length.
 * Each function returns the normalised value (or null) and notes corrections and errors.
 * A value that already follows the standard is never changed (normalising is idempotent).
 */
import { isIsoDate, matchesPattern, RESUME_MAX_LENGTH } from '../standard.ts';
import { quote, type RowReport } from './report.ts';

/** code_postal (5 digits) or code_insee (5 characters, 2A/2B for Corsica). */
export function normaliseCode(text: string, field: 'code_postal' | 'code_insee', report: RowReport): string | null {
  let code = text.replace(/[\s.\u00a0]/g, '');
  if (field === 'code_insee') code = code.toUpperCase();
  if (code !== text && matchesPattern(field, code)) report.fix(field, `${quote(text)} corrigé en ${quote(code)}.`);
  if (/^\d{4}$/.test(code) && matchesPattern(field, `0${code}`)) {
    report.fix(field, `Zéro initial rétabli : ${code} → 0${code}.`);
    code = `0${code}`;
  }
  if (matchesPattern(field, code)) return code;
  report.error(
    field,
    field === 'code_postal'
      ? `Le champ code_postal doit compter 5 chiffres (reçu : ${quote(text)}).`
      : `Le champ code_insee doit être un code commune INSEE de 5 caractères, comme 06088 ou 2A004 (reçu : ${quote(text)}).`,
  );
  return null;
}

export function normalisePivot(text: string, report: RowReport): string | null {
  if (/^0+$/.test(text) && matchesPattern('pivot', text)) {
    report.fix('pivot', `Le pivot ${text} n'identifie aucune structure (valeur par défaut) : SIRET à compléter.`);
  }
  if (matchesPattern('pivot', text)) return text;
  const compact = text.replace(/[\s.\u00a0-]/g, '');
  if (matchesPattern('pivot', compact)) {
    report.fix('pivot', `Espaces retirés : ${quote(compact)}.`);
    return compact;
  }
  report.error(
    'pivot',
    `Le champ pivot doit contenir un SIRET (14 chiffres), un numéro RNA ou RIDET : de 9 à 14 lettres ou chiffres (reçu : ${quote(text)}).`,
  );
  return null;
}

/** National numbers of the overseas départements: 10 digits, written with their own prefix. */
const OVERSEAS: Array<[RegExp, string]> = [
  [/^0(59[0]|69[01])/, '+590'],
  [/^0(594|694)/, '+594'],
  [/^0(262|263|69[23])/, '+262'],
  [/^0(596|69[67])/, '+596'],
  [/^0(269|639)/, '+262'],
  [/^0(508)/, '+508'],
];

function internationalPhone(text: string): string | null {
  let n = text
    .replace(/^\s*t[ée]l([ée]phone)?[\s.:]*/i, '')
    .replace(/\(0\)/g, '')
    .replace(/[\s.\u00a0\-/()]/g, '');
  if (n.startsWith('00')) n = `+${n.slice(2)}`;
  if (/^\d{9}$/.test(n) && n[0] !== '0') n = `0${n}`; // a spreadsheet dropped the leading zero
  if (/^0\d{9}$/.test(n)) {
    for (const [prefix, code] of OVERSEAS) {
      if (prefix.test(n)) return code === '+508' ? `+508${n.slice(4)}` : `${code}${n.slice(1)}`;
    }
    return `+33${n.slice(1)}`;
  }
  const trunk = /^(\+33|\+590|\+594|\+262|\+596)0(\d{9})$/.exec(n);
  if (trunk) return `${trunk[1]}${trunk[2]}`;
  return n;
}

export function normalisePhone(text: string, report: RowReport): string | null {
  if (matchesPattern('telephone', text)) return text;
  const numbers = text.split(/\s*(?:\/|;|\||,|\bou\b|\bet\b)\s*(?=(?:\+|0|\()\s*\d)/);
  const phone = internationalPhone(numbers[0] ?? '');
  if (phone !== null && matchesPattern('telephone', phone)) {
    report.fix('telephone', `Numéro mis au format international : ${quote(text)} → ${phone}.`);
    if (numbers.length > 1)
      report.fix('telephone', `Un seul numéro est gardé ; retiré : ${numbers.slice(1).join(', ')}.`);
    return phone;
  }
  report.error(
    'telephone',
    `Le numéro de téléphone ${quote(text)} n'est pas valide : écrivez-le comme 04 92 31 43 87 ou +33492314387.`,
  );
  return null;
}

const DOMAIN_LIKE = /^[\p{L}\p{N}-]+(\.[\p{L}\p{N}-]+)*\.\p{L}{2,}(?::\d+)?(?:[/?#]\S*)?$/u;

/** A web link, with https:// added when the scheme is missing (« www.exemple.fr »). */
export function normaliseUrl(text: string, field: string, report: RowReport): string | null {
  let url = text;
  if (!/^[a-z][a-z0-9+.-]*:/i.test(url) && !url.startsWith('//') && DOMAIN_LIKE.test(url)) {
    url = `https://${url}`;
    report.fix(field, `${quote(text)} complété en ${quote(url)}.`);
  }
  try {
    const parsed = new URL(url);
    if (
      (parsed.protocol === 'http:' || parsed.protocol === 'https:') &&
      parsed.hostname.includes('.') &&
      !/\s/.test(url)
    ) {
      return url;
    }
  } catch {
    // reported below
  }
  report.error(field, `Le lien ${quote(text)} n'est pas une adresse web valide (exemple : https://www.exemple.fr).`);
  return null;
}

const EMAIL =
  /^[\p{L}\p{N}.!#$%&'*+/=?^_`{}~-]+@[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?(?:\.[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?)*\.\p{L}{2,}$/u;

export function normaliseEmail(text: string, report: RowReport): string | null {
  let email = text;
  if (/^mailto:/i.test(email)) {
    email = email.replace(/^mailto:/i, '');
    report.fix('courriels', `« mailto: » retiré de ${quote(text)}.`);
  }
  if (EMAIL.test(email) && !email.includes('..')) return email;
  report.error('courriels', `L'adresse e-mail ${quote(text)} n'est pas valide.`);
  return null;
}

function pad(n: string): string {
  return n.padStart(2, '0');
}

/** date_maj as YYYY-MM-DD; accepts DD/MM/YYYY and a time part. */
export function normaliseDate(text: string, today: string, report: RowReport): string | null {
  let date: string | null = null;
  const iso =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?\s*(?:Z|[+-]\d{2}(?::?\d{2})?)?)?$/i.exec(text);
  const french = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[ T]+\d{1,2}[:h]\d{2}(?::\d{2})?)?$/i.exec(text);
  const slashed = /^(\d{4})[/-](\d{1,2})[/-](\d{1,2})$/.exec(text);
  if (iso) date = `${iso[1]}-${iso[2]}-${iso[3]}`;
  else if (french) date = `${french[3]}-${pad(french[2] ?? '')}-${pad(french[1] ?? '')}`;
  else if (slashed) date = `${slashed[1]}-${pad(slashed[2] ?? '')}-${pad(slashed[3] ?? '')}`;
  if (date === null || !isIsoDate(date)) {
    report.error(
      'date_maj',
      `La date de mise à jour ${quote(text)} n'est pas une date valide (format attendu : AAAA-MM-JJ).`,
    );
    return null;
  }
  if (date > today) {
    report.error('date_maj', `La date de mise à jour (${date}) est postérieure à aujourd'hui.`);
    return null;
  }
  if (date !== text) report.fix('date_maj', `Date ${quote(text)} écrite ${date}.`);
  if (date === '1970-01-01') report.fix('date_maj', 'Date de mise à jour inconnue (1970-01-01) : à vérifier.');
  return date;
}

/** presentation_resume: at most 280 characters, cut at a word boundary with « … »; null if short enough. */
export function shortenResume(text: string): string | null {
  const chars = [...text];
  if (chars.length <= RESUME_MAX_LENGTH) return null;
  let cut = chars.slice(0, RESUME_MAX_LENGTH - 1).join('');
  const space = cut.lastIndexOf(' ');
  if (space > RESUME_MAX_LENGTH / 2) cut = cut.slice(0, space);
  return `${cut.replace(/[\s,;:.…-]+$/u, '')}…`;
}
