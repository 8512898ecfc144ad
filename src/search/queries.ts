import type { Entity } from './entities.js';
import type { Keys } from './plan.js';
import { isPhrase, isPlainWord, wholeWordPattern, wordStartPattern, type SearchTerm, type TermWord } from './terms.js';
import type { Correction } from './typos.js';

/**
 * The SQL of a search, built from the term with every value a parameter. The rank classes
 * (the documented order, docs/decisions.md "Search ranking"):
 *   0  the term as typed (a phrase) and every word a whole word
 *   1  the phrase, some word inside a longer word
 *   2  every word, not as a phrase, all whole words
 *   3  every word, some inside a longer word
 *   4  a typo match: some word found only through a lexicon correction
 * then projects before tasks before comments, then newest first (the higher id: ids follow creation).
 * A one-word term is its own phrase: it has classes 0, 1 and 4. Text is compared lower-cased, as
 * ILIKE does and as the lexicon's keys are, so a key the lexicon lacks is text no row holds.
 */
export type ReadMode = 'index' | 'recency' | 'recency-budget';

export interface EntityQuery {
  entity: Entity;
  /** The rank classes this query returns. */
  ranks: number[];
  read: ReadMode;
  text: string;
  params: unknown[];
}

export interface RankedRow {
  [key: string]: unknown;
  id: number;
  project_id: number;
  project_name: string;
  text: string;
  rank: number;
  on_kind: string | null;
  on_id: number | null;
}

export interface Conditions {
  /** Every word found as typed (classes 0-3). */
  exact: string;
  /** The class (0-3) of a row that passes `exact`. */
  rank: () => string;
  /** Class 4: each word as typed or as one of its corrections, and not all as typed (null: no corrections). */
  typo: () => string | null;
}

/** A word's text as the server lower-cases it (lexicon.ts, shapeWords): what every condition compares. */
export type Lower = (word: string) => string;

/**
 * Builds the conditions once per entity; `param` appends a value and returns its placeholder. The
 * row's text is `x.lowered` (lower-cased once per row: see `source`).
 */
export function conditions(
  term: SearchTerm,
  corrections: Map<string, Correction[]>,
  lower: Lower,
  param: (value: unknown) => string,
): Conditions {
  // Built on demand, so a query holds only the parameters it uses; one placeholder per value.
  const placeholders = new Map<string, string>();
  const text = (value: string) => {
    if (!placeholders.has(value)) placeholders.set(value, `${param(value)}::text`);
    return placeholders.get(value)!;
  };
  const contains = (value: string) => `strpos(x.lowered, ${text(value)}) > 0`;
  const exactWord = (w: TermWord) =>
    w.mode === 'word-prefix' ? `x.lowered ~ ${text(wordStartPattern(lower(w.text)))}` : contains(lower(w.text));
  const wholeWord = (w: TermWord) => (isPlainWord(w.text) ? `x.lowered ~ ${text(wholeWordPattern([lower(w.text)]))}` : exactWord(w));
  const exactParts = term.words.map(exactWord);
  const exact = exactParts.join(' AND ');
  const rank = () => {
    const whole = term.words.map(wholeWord).join(' AND ');
    const phrase = isPhrase(term) ? contains(term.sequence.map(lower).join(' ')) : 'true';
    return `CASE WHEN ${phrase} AND ${whole} THEN 0 WHEN ${phrase} THEN 1 WHEN ${whole} THEN 2 ELSE 3 END`;
  };
  const typo = () => {
    if (!term.words.some((w) => (corrections.get(w.text)?.length ?? 0) > 0)) return null;
    const parts = term.words.map((w, i) => {
      const fixes = (corrections.get(w.text) ?? []).map((c) => c.word);
      if (fixes.length === 0) return exactParts[i]!;
      // The regular expression only where some correction is in the text at all: a walk tries every row.
      const any = fixes.map(contains).join(' OR ');
      return `(${exactParts[i]} OR ((${any}) AND x.lowered ~ ${text(wholeWordPattern(fixes))}))`;
    });
    return `${parts.join(' AND ')} AND NOT (${exact})`;
  };
  return { exact, rank, typo };
}

/**
 * The rows a query reads, as `x`, with the text lower-cased once each: `where` and `order` apply to
 * the table's own rows (t) before anything is lower-cased (the keys index, a walk's order and budget).
 */
export function source(entity: Entity, where = '', order = ''): string {
  return `(SELECT t.*, lower(t.${entity.column}) AS lowered FROM ${entity.table} t${where ? ` WHERE ${where}` : ''}${order} OFFSET 0) x`;
}

export interface QueryShape {
  limit: number;
  projectId?: number | undefined;
  budget: number;
  /** At most `limit` rows of each class, instead of `limit` rows in all (a window of the newest rows). */
  perClass?: boolean | undefined;
}

/**
 * One entity's rows of the given classes, best first. An `index` read names the keys every such row
 * holds (plan.ts), each array one condition the keys index answers; `recency` walks the primary
 * key under the planner settings of search.ts, and `recency-budget` looks at the newest `budget` rows only.
 */
export function entityQuery(
  entity: Entity,
  term: SearchTerm,
  corrections: Map<string, Correction[]>,
  lower: Lower,
  ranks: number[],
  read: ReadMode,
  shape: QueryShape,
  keys: Keys = [],
): EntityQuery {
  const params: unknown[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  const c = conditions(term, corrections, lower, param);
  const typoOnly = ranks.length === 1 && ranks[0] === 4;
  const typo = typoOnly ? c.typo() : null;
  if (typoOnly && typo === null) throw new Error('entityQuery: a typo pass needs corrections');
  const rank = typoOnly ? '4' : c.rank();
  const where = typo ?? c.exact;
  const only =
    typoOnly || ranks.length >= 4 ? '' : ranks.length === 1 ? ` WHERE r.rank = ${ranks[0]}` : ` WHERE r.rank IN (${ranks.join(', ')})`;
  const inner = [
    ...(shape.projectId !== undefined ? [`t.${entity.projectColumn} = ${param(shape.projectId)}`] : []),
    ...(read === 'index' ? keysConditions(entity, keys, param) : []),
  ].join(' AND ');
  const order = read === 'index' ? '' : ` ORDER BY t.id DESC${read === 'recency-budget' ? ` LIMIT ${shape.budget}` : ''}`;
  const on =
    entity.kind === 'comment' ? 'x.entity_type::text AS on_kind, x.entity_id AS on_id' : 'NULL::text AS on_kind, NULL::bigint AS on_id';
  // The class is computed once per row (OFFSET 0 keeps the planner from copying it into the
  // filter); the ORDER BY keeps a walk's order, so LIMIT stops it as soon as the page is full.
  const classed = [
    `SELECT x.id, x.${entity.projectColumn} AS project_id, x.${entity.column} AS text, ${rank} AS rank, ${on}`,
    `  FROM ${source(entity, inner, order)} WHERE ${where} ORDER BY x.id DESC OFFSET 0`,
  ].join('\n');
  const picked = shape.perClass
    ? `SELECT r.* FROM (SELECT c.*, row_number() OVER (PARTITION BY c.rank ORDER BY c.id DESC) AS nth FROM (${classed}) c) r WHERE r.nth <= ${shape.limit}`
    : `SELECT r.* FROM (${classed}) r${only} ORDER BY ${ranks.length > 1 ? 'r.rank, ' : ''}r.id DESC LIMIT ${shape.limit}`;
  const text = [
    'SELECT m.id, m.project_id, p.name AS project_name, m.text, m.rank, m.on_kind, m.on_id',
    `FROM (${picked}) m`,
    'JOIN projects p ON p.id = m.project_id',
    'ORDER BY m.rank, m.id DESC',
  ].join('\n');
  return { entity, ranks, read, text, params };
}

/** Each key array as a condition on the expression of the keys index (sql/migrations/*_search_keys.sql), so the planner reads it. */
function keysConditions(entity: Entity, keys: Keys, param: (value: unknown) => string): string[] {
  return keys.map((k) => `search_keys(t.${entity.column}, true) && ${param(k)}::text[]`);
}

/** The planner settings each read runs under (set for the transaction, before each query). */
export function plannerSettings(read: ReadMode | 'lexicon'): Record<string, 'on' | 'off'> {
  // lexicon: the defaults (its trigram and btree indexes are both right for it).
  if (read === 'lexicon') return { enable_seqscan: 'on', enable_indexscan: 'on', enable_bitmapscan: 'on' };
  // index: only bitmap scans (the keys index) may read the table, never a walk that could not stop.
  // recency: only index scans (the primary key, backwards) may, so LIMIT stops the walk; no bitmap of every match.
  return read === 'index'
    ? { enable_seqscan: 'off', enable_indexscan: 'off', enable_bitmapscan: 'on' }
    : { enable_seqscan: 'off', enable_indexscan: 'on', enable_bitmapscan: 'off' };
}
