import { usageError } from '../errors.js';
import { TYPO_WORD_LENGTH, trigramWords, typoThreshold } from './trigrams.js';

/**
 * How one word of the search term is matched. pg_trgm indexes runs of letters and digits
 * in three-character pieces, so a word with such a run is matched as a substring (the GIN
 * index narrows it down), a shorter word as the start of a word (`ui` finds "UI" and
 * "uint", not "build": the index still helps through the word-start trigram), and a word
 * with no letter or digit at all (`%`, `--`, an emoji) as a plain substring no index can help.
 */
export type WordMode = 'substring' | 'word-prefix' | 'unindexed';

export interface TermWord {
  text: string;
  mode: WordMode;
  /** Typed words of five letters or more (up to 64) also match with one typo: their word_similarity cut-off. */
  fuzzy: number | null;
}

export interface SearchTerm {
  /** The term as searched: trimmed, inner whitespace collapsed. */
  text: string;
  words: TermWord[];
  /** No word can use a trigram index: every entity is read in full. */
  unindexed: boolean;
  /** Some word tolerates typos, so a fuzzy pass can find what the exact one missed. */
  fuzzy: boolean;
}

/** Longest word the fuzzy pass compares: past it, a typo-tolerant match means nothing. */
const MAX_FUZZY_WORD = 64;

const alnum = /[\p{L}\p{N}]/u;
const alnumRun = /[\p{L}\p{N}]{3}/u;

/**
 * Splits and classifies the term. `threshold` overrides the per-word fuzzy cut-off, which by
 * default is the loosest one a single typo in that word can produce.
 */
export function parseTerm(raw: string, threshold?: number): SearchTerm {
  if (raw.includes('\0')) throw usageError('The search term contains a NUL character, which PostgreSQL text cannot hold: remove it.');
  const text = raw.trim().replace(/\s+/gu, ' ');
  if (text === '') throw usageError('The search term is empty: give the words to look for, e.g. devdb search "login bug".');
  const words = [...new Set(text.split(' '))].map((word): TermWord => {
    const mode = wordMode(word);
    const letters = [...word].length;
    const typos = mode === 'substring' && letters >= TYPO_WORD_LENGTH && letters <= MAX_FUZZY_WORD && trigramWords(word).length === 1;
    return { text: word, mode, fuzzy: typos ? (threshold ?? typoThreshold(word)) : null };
  });
  return { text, words, unindexed: words.every((w) => w.mode === 'unindexed'), fuzzy: words.some((w) => w.fuzzy !== null) };
}

function wordMode(word: string): WordMode {
  if (alnumRun.test(word)) return 'substring';
  return alnum.test(word) ? 'word-prefix' : 'unindexed';
}

/** A LIKE pattern that matches `text` literally anywhere (with `ESCAPE '\'`). */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, '\\$&')}%`;
}

/**
 * A regular expression for "a word starts with `text`". The boundary is spelled as a class
 * of spaces and punctuation, the one form pg_trgm turns into its word-start trigrams
 * (`\m` or `[^[:alnum:]]` make it read the whole index).
 */
export function wordStartPattern(text: string): string {
  return `(^|[[:space:][:punct:]])${escapeRegex(text)}`;
}

/**
 * Where a word with one typo must still show: a single missing, extra or changed letter
 * spoils at most one half of the word, so the other half is intact at the start (first
 * half) or at the end (second half) of a word in the text. Both are patterns pg_trgm can
 * serve from the index with its word-boundary trigrams.
 */
export function typoHalves(word: string): [start: string, end: string] {
  const chars = [...word];
  const middle = Math.floor(chars.length / 2);
  const edge = '[[:space:][:punct:]]';
  return [`(^|${edge})${escapeRegex(chars.slice(0, middle).join(''))}`, `${escapeRegex(chars.slice(middle).join(''))}(${edge}|$)`];
}

function escapeRegex(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}
