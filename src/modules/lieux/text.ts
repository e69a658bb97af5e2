/** Text folding shared by search and look-ups: what people type vs what files contain. */

/** Lower case, accents removed, apostrophes, hyphens and punctuation turned into spaces. */
export function foldText(input: string): string {
  return input
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/œ/gi, 'oe')
    .replace(/æ/gi, 'ae')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Key to compare commune names: folded, and « St » / « Ste » spelled out. */
export function communeKey(input: string): string {
  return foldText(input)
    .split(' ')
    .map((w) => (w === 'st' ? 'saint' : w === 'ste' ? 'sainte' : w))
    .join(' ');
}

/** Escapes LIKE wildcards so that typed text is matched literally. */
export function escapeLike(input: string): string {
  return input.replace(/[\\%_]/g, (c) => `\\${c}`);
}
