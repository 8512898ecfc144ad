import type { Entity } from './entities.js';
import { prefixKey, type PartCount } from './lexicon.js';
import { countableParts, isPlainWord, type SearchTerm } from './terms.js';
import type { Correction } from './typos.js';

/**
 * The plan per entity, from the lexicon's counts (pure, unit-tested). The cost of a search is
 * meant to follow the rows it returns, not how common its words are:
 * - index: the rarest word holds few rows, so the trigram GIN index finds every match and all
 *   of them are ranked in SQL (cost ~ that word's rows, at most rareRows);
 * - recency: every word is common, so matches are dense: walk the primary key
 *   backwards, one rank class at a time, and stop when the page is full. A class the lexicon
 *   cannot size is first tried within the newest scanBudget rows; when those do not fill the
 *   page, the class is sparse and its matches come from the trigram index instead.
 * Either way the page is the top of the documented order over every matching row (ranking.ts).
 */
export type Strategy = 'index' | 'recency';

export interface Tuning {
  /** A word is rare (index-driven) when it is in at most this many rows. */
  rareRows: number;
  /** Rows a recency walk reads for a class before it asks the index instead. */
  scanBudget: number;
}

/** Measured on `--scale large` (docs/decisions.md): the index reads a match in ~7 µs, the walk a row in ~2.5 µs. */
export const DEFAULT_TUNING: Tuning = { rareRows: 3000, scanBudget: 5000 };

export interface WordCount {
  word: string;
  /** Rows that may hold the word (lexicon, upper bound); null when the lexicon cannot count it (under 3 letters, no letters). */
  rows: number | null;
  /** Rows holding it as a whole word (exact), for a plain word. */
  wholeRows: number | null;
  corrections?: Correction[];
}

export interface ClassStep {
  /** The rank class (ranking.ts): 0 phrase of whole words … 4 typo. */
  rank: number;
  /**
   * How the class is read: served by the index, walked newest first (within scanBudget rows, or to
   * the end when no index can help), or skipped (the lexicon proves it empty).
   */
  read: 'index' | 'recency' | 'recency-budget' | 'skip';
  estimate: number | null;
}

export interface EntityPlan {
  entity: Entity;
  strategy: Strategy;
  /** The word that decided (the rarest), with its count. */
  drive: { word: string; rows: number } | null;
  words: WordCount[];
  /** The term's exact rank classes, in order (the same for every entity). */
  ranks: number[];
  /** In recency plans: how each class is read. */
  steps: ClassStep[];
}

export function countWords(term: SearchTerm, counts: Map<string, PartCount>): WordCount[] {
  return term.words.map((w) => {
    if (w.mode === 'word-prefix') {
      const lower = w.text.toLowerCase();
      const count = counts.get(prefixKey(lower));
      return { word: w.text, rows: count?.inside ?? 0, wholeRows: isPlainWord(w.text) ? (count?.whole ?? 0) : null };
    }
    const parts = w.mode === 'substring' ? countableParts(w.text) : [];
    if (parts.length === 0) return { word: w.text, rows: null, wholeRows: null };
    const rows = Math.min(...parts.map((p) => counts.get(p)?.inside ?? 0));
    const lower = w.text.toLowerCase();
    const wholeRows = isPlainWord(w.text) && parts.length === 1 && parts[0] === lower ? (counts.get(lower)?.whole ?? 0) : null;
    return { word: w.text, rows, wholeRows };
  });
}

export function planEntity(
  entity: Entity,
  term: SearchTerm,
  words: WordCount[],
  options: { projectId?: number | undefined; tuning?: Tuning | undefined } = {},
): EntityPlan {
  const tuning = options.tuning ?? DEFAULT_TUNING;
  const counted = words.filter((w): w is WordCount & { rows: number } => w.rows !== null);
  const rarest = counted.reduce<(typeof counted)[number] | undefined>(
    (best, w) => (best === undefined || w.rows < best.rows ? w : best),
    undefined,
  );
  const drive = rarest ? { word: rarest.word, rows: rarest.rows } : null;
  const ranks = rankClasses(term);
  // One project's rows are few and indexed: the index plan ranks them all.
  if (options.projectId !== undefined || (drive !== null && drive.rows <= tuning.rareRows))
    return { entity, strategy: 'index', drive, words, ranks, steps: [] };
  const only = term.words.length === 1 ? words[0]! : undefined;
  const steps = ranks.map((rank): ClassStep => {
    // A lone plain word: the lexicon sizes both classes (whole word exactly, inside other words at most).
    const estimate =
      only?.wholeRows != null && only.rows !== null ? (rank === 0 ? only.wholeRows : Math.max(0, only.rows - only.wholeRows)) : null;
    // No row holds the word whole: class 0 is empty (a whole-word match is a lexicon word). Any
    // other class is walked, never sent to the index on its own estimate: the index reads every
    // row holding the word's trigrams, which is the drive word's count, not the class's.
    if (rank === 0 && estimate === 0) return { rank, read: 'skip', estimate };
    return { rank, read: drive === null ? 'recency' : 'recency-budget', estimate };
  });
  return { entity, strategy: 'recency', drive, words, ranks, steps };
}

/**
 * The exact classes a term can have: a one-word term is its own phrase (no classes 2 and 3);
 * without a plain word (letters and digits only), "whole word" means nothing (no classes 1 and 3).
 */
export function rankClasses(term: SearchTerm): number[] {
  const plain = term.words.some((w) => isPlainWord(w.text));
  if (term.words.length === 1) return plain ? [0, 1] : [0];
  return plain ? [0, 1, 2, 3] : [0, 2];
}

/** The typo pass of one entity: rows that hold each word or one of its corrections. */
export function planTypos(words: WordCount[], drive: EntityPlan['drive'], tuning: Tuning = DEFAULT_TUNING): TypoStep {
  const sizes = words.map((w) => (w.corrections?.length ? (w.rows ?? 0) + w.corrections.reduce((n, c) => n + c.rows, 0) : w.rows));
  const known = sizes.filter((n): n is number => n !== null);
  const estimate = known.length > 0 ? Math.min(...known) : null;
  // Corrections are whole lexicon words: their counts are what the index will read.
  const read = drive === null ? 'recency' : estimate !== null && estimate <= tuning.rareRows ? 'index' : 'recency-budget';
  return { rank: 4, read, estimate };
}

export type TypoStep = ClassStep & { read: Exclude<ClassStep['read'], 'skip'> };
