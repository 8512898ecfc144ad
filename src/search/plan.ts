import type { Entity } from './entities.js';
import { LONG_RUN_KEY, pairKeys, type KeySet, type TermLookups, type WordShape } from './keys.js';
import type { EntityKeys } from './lexicon.js';
import { isPhrase, isPlainWord, type SearchTerm } from './terms.js';
import type { Correction } from './typos.js';

/**
 * The plan per entity, from the lexicon's keys and counts (pure, unit-tested). The cost of a
 * search is meant to follow the rows it returns, not how common its words are:
 * - none: the lexicon proves that no row holds every word: the table is not read at all;
 * - index: some word's keys are in few rows (rareRows), so the keys index finds every match (only
 *   rows that hold the keys: no row is read that cannot match) and all of them are ranked in SQL;
 * - recency: every word is common: the page is filled one rank class at a time. A class the
 *   lexicon proves empty is skipped; one it bounds to few rows is read through the keys index. Any
 *   other is walked: the primary key backwards (newest first), over walkSlack times the rows its
 *   density needs; a walk that does not fill the page shows the class is sparse, and the index reads it whole (a
 *   phrase class through the keys of its word pairs, which follow the phrase's own rows however
 *   common its words are). The classes of several words, which the lexicon bounds only by their
 *   rarest word, are first counted in a window of the newest rows (read.ts).
 * Either way the page is the top of the documented order over every matching row (ranking.ts).
 */
export type Strategy = 'none' | 'index' | 'recency';

export interface Tuning {
  /** What one row read through the keys index costs, in rows walked newest first (a heap page of its own, the class computed). */
  indexRowCost: number;
  /** A walk reads up to this many times the rows it expects to need before it asks the index instead. */
  walkSlack: number;
  /** The newest rows in which the classes of several words are counted first (read.ts). */
  window: number;
}

/** Measured on `--scale large` (docs/decisions.md, "Search keys"). */
export const DEFAULT_TUNING: Tuning = { indexRowCost: 6, walkSlack: 2, window: 1000 };

/**
 * The most rows a class may have for the keys index to read it whole sooner than a walk fills the
 * page: a walk reads about need × tableRows / rows rows to find `need` of them, the index rows ×
 * indexRowCost, and the two meet at √(need × tableRows / indexRowCost).
 */
export function rareRows(need: number, tableRows: number, tuning: Tuning): number {
  return Math.sqrt((need * tableRows) / tuning.indexRowCost);
}

export interface WordCount {
  word: string;
  /** Rows that may hold the word (lexicon, an upper bound); null when the word has nothing the lexicon keys. */
  rows: number | null;
  /** Rows that may hold it as a whole word (a plain word of letters and digits: exact when it is one run). */
  wholeRows: number | null;
  corrections?: Correction[];
}

/** Key arrays a row must share a key with, every one of them: what a read asks the keys index for. */
export type Keys = string[][];

export interface ClassStep {
  /** The rank class (ranking.ts): 0 phrase of whole words … 4 typo. */
  rank: number;
  /**
   * How the class is read: through the keys index; walked newest first to the end (recency: no key
   * narrows it) or within scanBudget rows, then through the index (recency-budget: read.ts); or
   * skipped (the lexicon proves it empty).
   */
  read: 'index' | 'recency' | 'recency-budget' | 'skip';
  /** The lexicon's bound on the class's rows (null: none). */
  estimate: number | null;
  keys: Keys;
}

export interface EntityPlan {
  entity: Entity;
  strategy: Strategy;
  /** The word that decided (the rarest), with its count. */
  drive: { word: string; rows: number } | null;
  words: WordCount[];
  /** The term's exact rank classes, in order (the same for every entity). */
  ranks: number[];
  /** The keys of every word, which every exact match holds (index: what it reads). */
  keys: Keys;
  /** recency: how each class is read; none: each class skipped. */
  steps: ClassStep[];
  /** Per word, the key sets of its runs as typed (for the typo pass). */
  typed: Map<string, KeySet[]>;
  longRows: number;
  /** The table's rows (the planner's count): what a walk's density is measured against. */
  tableRows: number;
}

/** A bound from key sets that must all match: the fewest rows, and the keys of each set small enough to name. */
interface Bound {
  rows: number;
  keys: Keys;
}

export function planEntity(
  entity: Entity,
  term: SearchTerm,
  shapes: ReadonlyMap<string, WordShape>,
  lookups: TermLookups,
  found: EntityKeys,
  options: { limit: number; projectId?: number | undefined; tuning?: Tuning | undefined },
): EntityPlan {
  const tuning = options.tuning ?? DEFAULT_TUNING;
  const { longRows, tableRows } = found;
  const rare = rareRows(options.limit, tableRows, tuning);
  const sets = (ids: number[]) => ids.map((i) => found.sets[i]!);
  const bound = (of: KeySet[]): Bound | null => boundOf(of, longRows);
  const typed = new Map(term.words.map((w) => [w.text, sets(lookups.words.get(w.text)!.typed)]));
  const whole = new Map(term.words.map((w) => [w.text, lookups.words.get(w.text)!.whole]));

  const words = term.words.map((w): WordCount => {
    const ids = whole.get(w.text);
    return { word: w.text, rows: bound(typed.get(w.text)!)?.rows ?? null, wholeRows: ids ? (bound(sets(ids))?.rows ?? null) : null };
  });
  const counted = words.filter((w): w is WordCount & { rows: number } => w.rows !== null);
  const rarest = counted.reduce<(typeof counted)[number] | undefined>(
    (best, w) => (best === undefined || w.rows < best.rows ? w : best),
    undefined,
  );
  const drive = rarest ? { word: rarest.word, rows: rarest.rows } : null;
  const ranks = rankClasses(term);
  const typedAll = all(term.words.map((w) => bound(typed.get(w.text)!)));
  const wholeAll = all(term.words.map((w) => bound(whole.get(w.text) ? sets(whole.get(w.text)!) : typed.get(w.text)!)));
  const base = { entity, drive, words, ranks, typed, longRows, tableRows };

  if (typedAll?.rows === 0) return { ...base, strategy: 'none', keys: [], steps: ranks.map((rank) => step(rank, 0, [], rare)) };
  // The rows of the rarest word whose keys can be named: what an index read costs at most.
  const keyed = keyedRows(
    term.words.map((w) => typed.get(w.text)!),
    longRows,
  );
  if (options.projectId !== undefined || (keyed !== null && keyed <= rare))
    return { ...base, strategy: 'index', keys: typedAll?.keys ?? [], steps: [] };

  const phrase = isPhrase(term);
  const pairs = lookups.pairs.map((p) => ({ left: found.sets[p.left]!, right: found.sets[p.right]! }));
  // A phrase needs each meeting of two words: when one side's keys are in no row, no row holds the phrase.
  const phraseAbsent = pairs.some((p) => Math.min(p.left.rows, p.right.rows) + longRows === 0);
  const pairArrays = pairs.map((p) => pairKeys(p.left, p.right)).filter((k): k is string[] => k !== null);
  const phraseKeys = pairArrays.map((k) => withLong(k, longRows));
  // Rows where some word stands only inside a longer word (classes 1 and 3): null when unknown.
  const inside = insideOf(term, shapes, typed, whole, found);
  const insideBound = inside && { rows: inside.rows + longRows, keys: inside.keys === null ? [] : [withLong(inside.keys, longRows)] };
  const steps = ranks.map((rank): ClassStep => {
    if (!phrase) {
      if (rank === 0) return step(rank, wholeAll?.rows ?? null, wholeAll?.keys ?? [], rare);
      return step(rank, insideBound?.rows ?? typedAll?.rows ?? null, insideBound?.keys ?? typedAll?.keys ?? [], rare);
    }
    if ((rank === 0 || rank === 1) && phraseAbsent) return step(rank, 0, [], rare);
    // Classes 0 and 2 hold every word whole; 1 and 3 every word, some inside a longer one; 0 and 1 the phrase.
    const words = rank === 0 || rank === 2 ? wholeAll : all([insideBound, typedAll]);
    const keys = [...(rank <= 1 ? phraseKeys : []), ...(words?.keys ?? [])];
    return step(rank, words?.rows ?? null, keys, rare);
  });
  return { ...base, strategy: 'recency', keys: typedAll?.keys ?? [], steps };
}

/** How to read a class from the lexicon's estimate: through the index when it is at most `rare` rows. */
function step(rank: number, estimate: number | null, keys: Keys, rare: number): ClassStep {
  if (estimate === 0) return { rank, read: 'skip', estimate, keys: [] };
  if (keys.length === 0) return { rank, read: 'recency', estimate, keys };
  return { rank, read: estimate !== null && estimate <= rare ? 'index' : 'recency-budget', estimate, keys };
}

/** Every set must match: the fewest rows any allows (rows over 64 characters always may), and the keys of those small enough to name. */
function boundOf(sets: KeySet[], longRows: number): Bound | null {
  if (sets.length === 0) return null;
  return {
    rows: Math.min(...sets.map((s) => s.rows)) + longRows,
    keys: sets.filter((s) => s.keys !== null).map((s) => withLong(s.keys!, longRows)),
  };
}

/** Bounds that must all hold: the smallest row count, every key array. Null when no word has a bound. */
function all(bounds: (Bound | null)[]): Bound | null {
  const known = bounds.filter((b): b is Bound => b !== null);
  if (known.length === 0) return null;
  return { rows: Math.min(...known.map((b) => b.rows)), keys: known.flatMap((b) => b.keys) };
}

/** The fewest rows of any set whose keys can be named (null: none can). */
function keyedRows(words: KeySet[][], longRows: number): number | null {
  const named = words.flat().filter((s) => s.keys !== null);
  return named.length === 0 ? null : Math.min(...named.map((s) => s.rows)) + longRows;
}

/**
 * The rows where some word of the term stands only inside a longer word, never whole (classes 1 and
 * 3): those rows hold a key that contains a word and is not the word itself. A word that is not plain
 * is "whole" wherever it is (queries.ts), so only plain words count; one the server cuts into several
 * runs leaves the set unknown (null). keys is null when some word's keys are too many to name.
 */
function insideOf(
  term: SearchTerm,
  shapes: ReadonlyMap<string, WordShape>,
  typed: ReadonlyMap<string, KeySet[]>,
  whole: ReadonlyMap<string, number[] | null>,
  found: EntityKeys,
): { rows: number; keys: string[] | null } | null {
  let rows = 0;
  let keys: string[] | null = [];
  for (const w of term.words) {
    const ids = whole.get(w.text);
    if (!ids) continue;
    const runs = shapes.get(w.text)!.runs;
    if (runs.length !== 1 || !runs[0]!.alnum) return null;
    const set = typed.get(w.text)![0]!;
    rows += set.rows - found.sets[ids[0]!]!.rows;
    keys = keys === null || set.keys === null ? null : [...keys, ...set.keys.filter((k) => k !== runs[0]!.text)];
  }
  return { rows, keys };
}

function withLong(keys: string[], longRows: number): string[] {
  return longRows > 0 ? [...keys, LONG_RUN_KEY] : keys;
}

/**
 * The exact classes a term can have: a one-word term is its own phrase (no classes 2 and 3);
 * without a plain word (letters and digits only), "whole word" means nothing (no classes 1 and 3).
 * A repeated word makes a phrase ("login login"), which one "login" does not match.
 */
export function rankClasses(term: SearchTerm): number[] {
  const plain = term.words.some((w) => isPlainWord(w.text));
  if (!isPhrase(term)) return plain ? [0, 1] : [0];
  return plain ? [0, 1, 2, 3] : [0, 2];
}

/**
 * The typo pass of one entity: rows that hold each word or one of its corrections. A corrected
 * word's rows hold one of its keys or one of the corrections (whole lexicon words: keys themselves).
 */
export function planTypos(plan: EntityPlan, limit: number, tuning: Tuning = DEFAULT_TUNING): ClassStep {
  const { longRows } = plan;
  const per = plan.words.map((w) => {
    const sets = plan.typed.get(w.word)!;
    const fixes = w.corrections ?? [];
    if (fixes.length === 0) return boundOf(sets, longRows);
    const named = sets.filter((s) => s.keys !== null).sort((a, b) => a.rows - b.rows)[0];
    const rows = (sets.length === 0 ? 0 : Math.min(...sets.map((s) => s.rows))) + fixes.reduce((n, c) => n + c.rows, 0) + longRows;
    const keys = named || sets.length === 0 ? [withLong([...(named?.keys ?? []), ...fixes.map((c) => c.word)], longRows)] : [];
    return { rows, keys };
  });
  const bound = all(per);
  return step(4, bound?.rows ?? null, bound?.keys ?? [], rareRows(limit, plan.tableRows, tuning));
}
