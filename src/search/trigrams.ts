/**
 * pg_trgm's view of a string, in JavaScript: the threshold for a term and the words to
 * highlight in a fuzzy match are worked out here, without a round trip per word.
 */

const wordChars = /[\p{L}\p{N}]+/gu;

/** The words pg_trgm sees: runs of letters and digits, lower-cased. */
export function trigramWords(text: string): string[] {
  return text.toLowerCase().match(wordChars) ?? [];
}

/** pg_trgm's trigram set: each word padded with two spaces in front and one behind. */
export function trigrams(text: string): Set<string> {
  const set = new Set<string>();
  for (const word of trigramWords(text)) {
    const chars = [' ', ' ', ...word, ' '];
    for (let i = 0; i + 3 <= chars.length; i++) set.add(chars.slice(i, i + 3).join(''));
  }
  return set;
}

/** pg_trgm's `similarity`: shared trigrams over all trigrams of both strings. */
export function similarity(a: string, b: string): number {
  const ta = trigrams(a);
  const tb = trigrams(b);
  if (ta.size === 0 || tb.size === 0) return 0;
  let shared = 0;
  for (const t of ta) if (tb.has(t)) shared++;
  return shared / (ta.size + tb.size - shared);
}

/** Words of this length or more tolerate one missing, extra or changed letter. */
export const TYPO_WORD_LENGTH = 6;

/** Used when no word is long enough for a typo: only near-identical spellings (plurals) pass. */
const SHORT_TERM_THRESHOLD = 0.5;

/**
 * The loosest `word_similarity` a match of `term` can have when each word of six letters or
 * more carries one typo. A changed letter costs a word three of its trigrams on both sides,
 * so with q trigrams in the term and k long words the worst case is (q - 3k) / (q + 3k):
 * 0.4 for one six-letter word, higher for longer words, which keeps the index selective.
 */
export function typoThreshold(term: string): number {
  const q = trigrams(term).size;
  const k = trigramWords(term).filter((w) => [...w].length >= TYPO_WORD_LENGTH).length;
  if (q === 0) return 1;
  if (k === 0) return SHORT_TERM_THRESHOLD;
  const worst = (q - 3 * k) / (q + 3 * k);
  // A hair below the worst case: the server compares in single precision.
  return Math.max(0.1, Math.floor((worst - 0.001) * 100) / 100);
}
