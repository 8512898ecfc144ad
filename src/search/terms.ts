import { usageError } from '../errors.js';

/**
 * How one word of the search term is matched: a word with a run of three letters or digits as a
 * substring, a shorter one as the start of a word (`ui` finds "UI" and "uint", not "build"), and a
 * word with no letter or digit at all (`%`, `--`, an emoji) as a plain substring too. The lexicon's
 * keys find the rows for all three (keys.ts).
 */
export type WordMode = 'substring' | 'word-prefix' | 'symbols';

export interface TermWord {
  text: string;
  mode: WordMode;
  /**
   * Words of letters and digits only, 4 to 64 of them, are also corrected for one typo: the
   * pg_trgm word_similarity cut-off that finds their candidates in the lexicon. Null otherwise.
   */
  fuzzy: number | null;
}

export interface SearchTerm {
  /** The term as searched: trimmed, inner whitespace collapsed. */
  text: string;
  /** The words as typed, in order, repeats kept: what a phrase match holds ("login login" twice). */
  sequence: string[];
  /** The different words: each must match. */
  words: TermWord[];
  /** Some word tolerates typos, so a typo pass can find what the exact one missed. */
  fuzzy: boolean;
}

/** More words than this is a usage error: each word is a condition in every query (issue 15, finding 6). */
export const MAX_WORDS = 32;
/** Shortest and longest word corrected for typos. */
export const TYPO_MIN_LETTERS = 4;
export const TYPO_MAX_LETTERS = 64;

const alnum = /[\p{L}\p{N}]/u;
const alnumRun = /[\p{L}\p{N}]{3}/u;
const alnumOnly = /^[\p{L}\p{N}]+$/u;

/**
 * Splits and classifies the term. `threshold` overrides the per-word candidate cut-off, which by
 * default is the loosest one a single typo in that word can produce.
 */
export function parseTerm(raw: string, threshold?: number): SearchTerm {
  if (raw.includes('\0')) throw usageError('The search term contains a NUL character, which PostgreSQL text cannot hold: remove it.');
  const text = raw.trim().replace(/\s+/gu, ' ');
  if (text === '') throw usageError('The search term is empty: give the words to look for, e.g. devdb search "login bug".');
  const sequence = text.split(' ');
  const unique = [...new Set(sequence)];
  if (unique.length > MAX_WORDS)
    throw usageError(
      `The search term has ${unique.length} different words; at most ${MAX_WORDS} are searched: keep the words that matter.`,
    );
  const words = unique.map((word): TermWord => {
    const mode = wordMode(word);
    const letters = [...word].length;
    const typos = alnumOnly.test(word) && letters >= TYPO_MIN_LETTERS && letters <= TYPO_MAX_LETTERS;
    return { text: word, mode, fuzzy: typos ? (threshold ?? typoThreshold(word)) : null };
  });
  return { text, sequence, words, fuzzy: words.some((w) => w.fuzzy !== null) };
}

/** More than one word typed (repeats count): the term is also matched as a phrase, classes 0-1 apart from 2-3. */
export function isPhrase(term: SearchTerm): boolean {
  return term.sequence.length > 1;
}

function wordMode(word: string): WordMode {
  if (alnumRun.test(word)) return 'substring';
  return alnum.test(word) ? 'word-prefix' : 'symbols';
}

/**
 * The lowest pg_trgm word_similarity a typed word of n letters has against the word it was
 * meant to be, with one letter changed, extra or missing, or two letters swapped. A word has
 * n + 1 trigrams; a changed letter spoils three: (n - 2) / (n + 4); a swap spoils four:
 * (n - 3) / (n + 5), counted from six letters on (below, it would let half the lexicon in). Inside
 * a longer word the typed word also loses its two word-start trigrams and its word-end one:
 * (n - 5) / (n + 1), counted from eight letters on. Exactness comes after: candidates are kept
 * only at edit distance one (typos.ts).
 */
export function typoThreshold(word: string): number {
  const n = [...word].length;
  const whole = n >= 6 ? (n - 3) / (n + 5) : (n - 2) / (n + 4);
  const worst = n >= 8 ? Math.min(whole, (n - 5) / (n + 1)) : whole;
  // A hair below the worst case: the server computes similarities in single precision.
  return Math.max(0.01, Math.floor((worst - 0.001) * 100) / 100);
}

/**
 * A word starts and ends where a run of letters and digits does, as the lexicon splits text
 * (search_keys in sql/migrations): a whole-word match is then exactly a lexicon key, which is what
 * lets the lexicon prove a class empty. The patterns are matched against the lower-cased text.
 */
const EDGE = '[^[:alnum:]]';

/** A regular expression for "a word starts with `text`". */
export function wordStartPattern(text: string): string {
  return `(^|${EDGE})${escapeRegex(text)}`;
}

/** A regular expression for "one of `words` stands as a whole word". */
export function wholeWordPattern(words: readonly string[]): string {
  return `(^|${EDGE})(${words.map(escapeRegex).join('|')})(${EDGE}|$)`;
}

/** True when the word is letters and digits only, so "as a whole word" means something. */
export function isPlainWord(word: string): boolean {
  return alnumOnly.test(word);
}

function escapeRegex(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}
