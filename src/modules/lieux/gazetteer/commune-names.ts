/**
 * The postcode base spells names in capitals without accents, hyphens or apostrophes
 * (« ST MARTIN D ABLOIS »). A readable name is rebuilt with French rules: « Saint », hyphens
 * between words except after a leading article, lower-case particles, elision before a vowel.
 * Accents cannot be restored; look-ups never depend on them.
 */
const particles = new Set([
  'de',
  'des',
  'du',
  'en',
  'sur',
  'sous',
  'les',
  'la',
  'le',
  'aux',
  'au',
  'et',
  'lez',
  'lès',
  'd',
  'l',
]);
const leadingArticles = new Set(['le', 'la', 'les', 'l']);

function capitalise(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}

export function prettyCommuneName(source: string): string {
  const arrondissement = /^(PARIS|MARSEILLE|LYON) (\d{2})$/.exec(source.trim());
  if (arrondissement) {
    const n = Number(arrondissement[2]);
    return `${capitalise((arrondissement[1] as string).toLowerCase())} ${n}${n === 1 ? 'er' : 'e'} arrondissement`;
  }
  const words = source.trim().toLowerCase().split(/\s+/).filter(Boolean);
  const out: string[] = [];
  let i = 0;
  let prefix = '';
  if (words.length > 1 && leadingArticles.has(words[0] as string)) {
    const article = words[0] as string;
    prefix = article === 'l' ? "L'" : `${capitalise(article)} `;
    i = 1;
  }
  for (; i < words.length; i++) {
    let w = words[i] as string;
    if (w === 'st') w = 'saint';
    if (w === 'ste') w = 'sainte';
    const isParticle = particles.has(w) && out.length > 0;
    let piece = isParticle ? w : capitalise(w);
    if ((w === 'd' || w === 'l') && i + 1 < words.length) {
      // Elision: « D ABLOIS » → « d'Ablois ».
      const next = words[++i] as string;
      piece = `${isParticle ? w : capitalise(w)}'${capitalise(next)}`;
    }
    out.push(piece);
  }
  return prefix + out.join('-');
}
