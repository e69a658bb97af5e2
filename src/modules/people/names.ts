/**
 * How display names are compared to find likely duplicates: accents, case, punctuation and
 * spacing do not count (« Zoé », « zoe », « ZOÉ » are one name; « J.-M. » is « j m »).
 */
export function nameKey(displayName: string): string {
  return displayName
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/œ/gi, 'oe')
    .replace(/æ/gi, 'ae')
    .replace(/ß/g, 'ss')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
