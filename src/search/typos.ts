/**
 * One-typo matching, exactly: pg_trgm finds candidates in the lexicon by similarity, and only
 * those at edit distance one (a letter missing, extra or changed, or two neighbours swapped:
 * optimal string alignment) are kept. Pure functions, unit-tested.
 */

export interface Candidate {
  word: string;
  rows: number;
  similarity: number;
}

export interface Correction {
  word: string;
  rows: number;
  /** whole: the typed word is the lexicon word with one typo; part: it is one typo away from a part of a longer word. */
  fit: 'whole' | 'part';
}

/** Corrections kept per typed word: the best ones, so a query stays a handful of conditions. */
export const MAX_CORRECTIONS = 8;
/** A typed word shorter than this is corrected only against whole words (4 letters inside words match too much). */
const PART_MIN_LETTERS = 5;

/** Optimal string alignment distance (Levenshtein plus adjacent swaps), by code point. */
export function editDistance(a: string, b: string): number {
  return alignment(a, b, false);
}

/** The smallest edit distance between `typed` and any run of letters inside `word`. */
export function distanceInside(typed: string, word: string): number {
  return alignment(typed, word, true);
}

function alignment(a: string, b: string, inside: boolean): number {
  const s = [...a];
  const t = [...b];
  // rows[i][j]: distance between s[0..i) and a run of t ending at j (inside) or t[0..j).
  const rows: number[][] = [];
  for (let i = 0; i <= s.length; i++) {
    rows.push(new Array<number>(t.length + 1).fill(0));
    rows[i]![0] = i;
  }
  for (let j = 0; j <= t.length; j++) rows[0]![j] = inside ? 0 : j;
  for (let i = 1; i <= s.length; i++) {
    for (let j = 1; j <= t.length; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = d;
    }
  }
  const last = rows[s.length]!;
  return inside ? Math.min(...last) : last[t.length]!;
}

/**
 * The lexicon words a typed word was meant to be: one typo away, whole words first, then the
 * closest by trigram similarity, the commoner, and alphabetical order (so the choice is
 * deterministic). Words that contain the typed word are exact matches, not corrections.
 */
export function pickCorrections(typed: string, candidates: readonly Candidate[]): Correction[] {
  const lower = typed.toLowerCase();
  const letters = [...lower].length;
  const kept: (Correction & { similarity: number })[] = [];
  for (const c of candidates) {
    if (c.word.includes(lower)) continue;
    if (editDistance(lower, c.word) <= 1) kept.push({ word: c.word, rows: c.rows, fit: 'whole', similarity: c.similarity });
    else if (letters >= PART_MIN_LETTERS && [...c.word].length > letters && distanceInside(lower, c.word) <= 1) {
      kept.push({ word: c.word, rows: c.rows, fit: 'part', similarity: c.similarity });
    }
  }
  kept.sort(
    (x, y) =>
      (x.fit === y.fit ? 0 : x.fit === 'whole' ? -1 : 1) ||
      y.similarity - x.similarity ||
      y.rows - x.rows ||
      (x.word < y.word ? -1 : x.word > y.word ? 1 : 0),
  );
  return kept.slice(0, MAX_CORRECTIONS).map(({ word, rows, fit }) => ({ word, rows, fit }));
}
