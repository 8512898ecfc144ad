import { isPhrase, isPlainWord, type SearchTerm } from './terms.js';

/**
 * Which lexicon keys a row must hold for a word of the term to occur in it (pure, unit-tested).
 * search_keys (sql/migrations/*_search_keys.sql) cuts lower-cased text into runs of letters and
 * digits and runs of other characters between spaces; the server cuts each typed word the same way
 * (lexicon.ts, shapeWords). An occurrence of a run lies inside one key of the row, and where the
 * typed word goes on past the run (another run, or a space) that key must end or start there too:
 * "login" lies inside any key containing it, the "c" of "c++" in a key ending in "c". So the keys
 * matching each run, read from the lexicon with their row counts, bound the rows that can hold the
 * word, and an empty set proves none does, before a single row of the table is read.
 */

/** One run of a typed word as the server cuts lower(word): letters and digits, or other characters. */
export interface Run {
  text: string;
  alnum: boolean;
}

/** A word of the term as the server reads it. */
export interface WordShape {
  /** lower(word): what the conditions compare with the lower-cased text (queries.ts). */
  lower: string;
  runs: Run[];
}

/** Where a key must start or end relative to a run's text. */
export type Match = 'equals' | 'prefix' | 'suffix' | 'contains';

/** One question to the lexicon: the keys that equal, start with, end with or contain `text`. */
export interface Lookup {
  text: string;
  alnum: boolean;
  match: Match;
}

/** The lexicon's answer to a lookup: its keys (null: more than MAX_KEYS) and the rows holding them (a sum: an upper bound). */
export interface KeySet {
  keys: string[] | null;
  rows: number;
}

/** Keys one lookup may hand to the index; a run matching more is not worth naming key by key (its rows are many anyway). */
export const MAX_KEYS = 1000;
/** Pair keys one adjacency of a phrase may name (the product of its two words' keys). */
export const MAX_PAIR_KEYS = 2000;
/**
 * The key every row holding a run over 64 characters has instead of that run (search_keys): such
 * a row may hold anything, so it is a candidate for every lookup.
 */
export const LONG_RUN_KEY = ' ';

/**
 * What lies beyond a word on one side: anything (open), a character that is not a letter or digit
 * (word: the edge of a whole word or a word start, which ends a run of letters and digits only), or
 * a space (inside a phrase, which ends any run).
 */
export type Edge = 'open' | 'word' | 'space';

export function wordLookups(shape: WordShape, left: Edge, right: Edge): Lookup[] {
  const last = shape.runs.length - 1;
  return shape.runs.map((run, i) => {
    const bounded = (edge: Edge) => edge === 'space' || (edge === 'word' && run.alnum);
    // Two runs in a row are of different kinds or have a space between them: each ends the other.
    const start = i > 0 || bounded(left);
    const end = i < last || bounded(right);
    return { text: run.text, alnum: run.alnum, match: start ? (end ? 'equals' : 'prefix') : end ? 'suffix' : 'contains' };
  });
}

/** The LIKE pattern of a lookup (with `ESCAPE '\'`); an equals lookup is compared as it is. */
export function likePattern(lookup: Lookup): string {
  const text = lookup.text.replace(/[\\%_]/g, '\\$&');
  return lookup.match === 'prefix' ? `${text}%` : lookup.match === 'suffix' ? `%${text}` : `%${text}%`;
}

/** The lookups of a term, each asked once, and which of them each word, each whole word and each phrase pair needs. */
export interface TermLookups {
  lookups: Lookup[];
  /** Per word of the term (its text): its runs as typed, and as a whole word (plain words only). */
  words: Map<string, { typed: number[]; whole: number[] | null }>;
  /** Per pair of neighbouring words in the phrase whose meeting runs are both letters and digits: the left word's last run, the right word's first. */
  pairs: { left: number; right: number }[];
}

export function termLookups(term: SearchTerm, shapes: ReadonlyMap<string, WordShape>): TermLookups {
  const lookups: Lookup[] = [];
  const ids = new Map<string, number>();
  const id = (l: Lookup) => {
    const key = `${l.match} ${l.alnum} ${l.text}`;
    if (!ids.has(key)) ids.set(key, lookups.push(l) - 1);
    return ids.get(key)!;
  };
  const words = new Map<string, { typed: number[]; whole: number[] | null }>();
  for (const w of term.words) {
    const shape = shapes.get(w.text)!;
    const start: Edge = w.mode === 'word-prefix' ? 'word' : 'open';
    words.set(w.text, {
      typed: wordLookups(shape, start, 'open').map(id),
      whole: isPlainWord(w.text) ? wordLookups(shape, 'word', 'word').map(id) : null,
    });
  }
  const pairs: TermLookups['pairs'] = [];
  const seen = new Set<string>();
  if (isPhrase(term)) {
    const seq = term.sequence;
    for (let i = 0; i + 1 < seq.length; i++) {
      const a = wordLookups(shapes.get(seq[i]!)!, i === 0 ? 'open' : 'space', 'space');
      const b = wordLookups(shapes.get(seq[i + 1]!)!, 'space', i + 2 === seq.length ? 'open' : 'space');
      const left = a[a.length - 1];
      const right = b[0];
      // search_keys pairs two runs of letters and digits one space apart; any other meeting has no pair key.
      if (!left?.alnum || !right?.alnum) continue;
      const pair = { left: id(left), right: id(right) };
      if (!seen.has(`${pair.left} ${pair.right}`)) pairs.push(pair);
      seen.add(`${pair.left} ${pair.right}`);
    }
  }
  return { lookups, words, pairs };
}

/** The pair keys of one phrase adjacency: every left key, a space, every right key (null: too many to name). */
export function pairKeys(left: KeySet, right: KeySet): string[] | null {
  if (left.keys === null || right.keys === null || left.keys.length * right.keys.length > MAX_PAIR_KEYS) return null;
  return left.keys.flatMap((l) => right.keys!.map((r) => `${l} ${r}`));
}
