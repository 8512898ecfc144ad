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

/**
 * Typed words of this many letters or more are compared with typos: a word of six letters
 * with one letter missing has five.
 */
export const TYPO_WORD_LENGTH = 5;

/**
 * The lowest `word_similarity` a typed word of n letters has against the word it was meant
 * to be, with one letter changed, extra or missing (a word has n + 1 trigrams, and a typo
 * spoils up to three): (n - 2) / (n + 4) for a changed letter, (n - 1) / (n + 4) when the
 * typed word misses one (the only typo a five-letter word can carry from a six-letter one).
 * 0.4 for six letters, stricter as words grow, which keeps long words precise.
 */
export function typoThreshold(word: string): number {
  const n = [...word].length;
  const worst = n >= 6 ? (n - 2) / (n + 4) : (n - 1) / (n + 4);
  // A hair below the worst case: the server computes similarities in single precision.
  return Math.floor((worst - 0.001) * 100) / 100;
}
