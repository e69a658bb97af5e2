/**
 * Readability of the orientation's French texts (used by src/modules/orientation/readability.test.ts
 * and bench/readability figures). Plain French, measured: every question screen and every text of the result passes the
 * Flesch reading-ease formula adapted to French by Kandel & Moles (1958):
 *
 *   L = 207 − 1.015 × (words / sentences) − 73.6 × (syllables / words)
 *
 * THRESHOLD 70. On the Flesch scale, 60–70 is « standard » (what most adults read without
 * effort), 70–80 « assez facile », 80+ « facile ». Administrative French usually scores 30–50
 * (long sentences, long words: the sentence used as a counter-example in the test scores
 * about 0). The people this diagnostic is for often read with difficulty (PRODUCT.md §2), so
 * every screen must be at least « assez facile », and the mean « facile » (above 80). The formula only sees
 * sentence and word length: a short text of long official words (« Aide aux démarches
 * administratives ») scores badly, which is why labels here use everyday words instead.
 *
 * Syllables are counted the way French is spoken: groups of vowel letters, a final mute
 * « e »/« es » not counted (« carte » = 1, « familles » = 2), acronyms spelled letter by letter
 * (« RSA » = 3), digits as one syllable per two digits. A heuristic: tested below on words
 * whose count is known.
 */
import { bringData, needsData, QUESTIONS } from '../../src/modules/orientation/data.ts';
import { translator } from '../../src/modules/orientation/i18n.ts';

const t = translator('fr');

export function syllables(word: string): number {
  if (/^\d+$/.test(word)) return Math.max(1, Math.ceil(word.length / 2));
  if (/^[A-Z]{2,5}$/.test(word)) return word.length;
  const w = word.toLowerCase().replace(/[^a-zàâäéèêëîïôöùûüÿœæç]/g, '');
  if (w === '') return 0;
  const groups = w.match(/[aeiouyàâäéèêëîïôöùûüÿœæ]+/g)?.length ?? 0;
  const muteE = groups > 1 && /[^aeiouyàâäéèêëîïôöùûüÿœæ](e|es)$/.test(w) ? 1 : 0;
  return Math.max(1, groups - muteE);
}

function words(text: string): string[] {
  return text
    .replace(/[«»()"“”…:;,.!?–—-]/g, ' ')
    .split(/[\s']+/)
    .filter((w) => /[\p{L}\d]/u.test(w));
}

/** Kandel–Moles score of sentences (each item of a list counts as one sentence). */
export function kandelMoles(sentences: string[]): { score: number; words: number; sentences: number } {
  const split = sentences.flatMap((s) => s.split(/(?<=[.!?:;])\s+/)).filter((s) => words(s).length > 0);
  const all = split.flatMap(words);
  const syl = all.reduce((n, w) => n + syllables(w), 0);
  const score = 207 - 1.015 * (all.length / split.length) - 73.6 * (syl / all.length);
  return { score: Math.round(score * 10) / 10, words: all.length, sentences: split.length };
}

/** Every text a person reads on a screen of the diagnostic or of its result, by screen. */
export function screens(): Array<{ name: string; sentences: string[] }> {
  const out: Array<{ name: string; sentences: string[] }> = [
    {
      name: 'accueil',
      sentences: [t('accueil.titre'), t('accueil.intro'), t('accueil.anonyme'), t('accueil.commencer')],
    },
  ];
  for (const q of QUESTIONS) {
    const options =
      q.type === 'commune'
        ? [t('lieu.champ'), t('lieu.exemple'), t('lieu.voir_resultat'), t('lieu.position')]
        : [
            ...q.options.map((o) => t(`option.${q.id}.${o.value}`)),
            ...(q.type === 'multiple' ? [t(`option.${q.id}.${q.none.value}`), t('continuer')] : []),
          ];
    out.push({
      name: `question ${q.id}`,
      sentences: [t(`question.${q.id}.titre`), t(`question.${q.id}.aide`), ...options],
    });
  }
  for (const level of ['urgence', 'inclusion', 'competences']) {
    out.push({ name: `niveau ${level}`, sentences: [t(`niveau.${level}.nom`), t(`niveau.${level}.personne`)] });
  }
  out.push({
    name: 'besoins',
    sentences: needsData.needs.map((n) =>
      n.id === 'demarche' ? t('besoin.demarche', { famille: t('option.demarche.social') }) : t(`besoin.${n.id}`),
    ),
  });
  for (const [family, items] of Object.entries(bringData.familles)) {
    out.push({
      name: `à apporter : ${family}`,
      sentences: [...bringData.toujours, ...items].map((i) => t(`apporter.${i}`)),
    });
  }
  out.push({
    name: 'résultat : lieux et fiche',
    sentences: [
      t('resultat.lieux_intro'),
      t('resultat.lieux_loin'),
      t('resultat.aucun_lieu', { lieu: 'Toulon' }),
      t('resultat.apporter_relecture'),
      t('fiche.code_aide'),
      t('resultat.terminer_aide'),
      t('fiche.a_montrer'),
    ],
  });
  out.push({
    name: 'résultat : horaires des lieux',
    sentences: [
      t('horaires.ouvert_jusqua', { heure: t('heure.pile', { h: 17 }) }),
      t('horaires.ouvert_ferme', { jour: t('jour.demain'), heure: t('heure.pile', { h: 2 }) }),
      `${t('horaires.ferme_ouvre', { jour: t('jour.0'), heure: t('heure.minutes', { h: 9, mm: '30' }) })} ${t('horaires.a_confirmer')}`,
      t('lieu.horaires_inconnus'),
    ],
  });
  out.push({
    name: 'erreurs',
    sentences: [
      t('erreur.choisir'),
      t('erreur.cocher', { aucun: 'Rien de tout ça' }),
      t('erreur.contradiction', { aucun: 'Rien de tout ça' }),
      t('erreur.inconnue'),
      t('erreur.session'),
      t('erreur.commune_inconnue', { texte: 'Toulo' }),
    ],
  });
  return out;
}

export const THRESHOLD = 70;
