import type { Entity } from './entities.js';
import { containsPattern, isPlainWord, wholeWordPattern, wordStartPattern, type SearchTerm, type TermWord } from './terms.js';
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
 * A one-word term is its own phrase: it has classes 0, 1 and 4.
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

/** Builds the conditions once per entity; `param` appends a value and returns its placeholder. */
export function conditions(
  entity: Entity,
  term: SearchTerm,
  corrections: Map<string, Correction[]>,
  param: (value: unknown) => string,
): Conditions {
  const column = `x.${entity.column}`;
  // Built on demand, so a query holds only the parameters it uses; one placeholder per value.
  const placeholders = new Map<string, string>();
  const text = (value: string) => {
    if (!placeholders.has(value)) placeholders.set(value, `${param(value)}::text`);
    return placeholders.get(value)!;
  };
  const exactWord = (w: TermWord) =>
    w.mode === 'word-prefix'
      ? `${column} ~* ${text(wordStartPattern(w.text))}`
      : `${column} ILIKE ${text(containsPattern(w.text))} ESCAPE '\\'`;
  const wholeWord = (w: TermWord) => (isPlainWord(w.text) ? `${column} ~* ${text(wholeWordPattern([w.text]))}` : exactWord(w));
  const exactParts = term.words.map(exactWord);
  const exact = exactParts.join(' AND ');
  const rank = () => {
    const whole = term.words.map(wholeWord).join(' AND ');
    const phrase = term.words.length > 1 ? `${column} ILIKE ${text(containsPattern(term.text))} ESCAPE '\\'` : 'true';
    return `CASE WHEN ${phrase} AND ${whole} THEN 0 WHEN ${phrase} THEN 1 WHEN ${whole} THEN 2 ELSE 3 END`;
  };
  const typo = () => {
    if (!term.words.some((w) => (corrections.get(w.text)?.length ?? 0) > 0)) return null;
    const parts = term.words.map((w, i) => {
      const fixes = corrections.get(w.text) ?? [];
      return fixes.length === 0 ? exactParts[i]! : `(${exactParts[i]} OR ${column} ~* ${text(wholeWordPattern(fixes.map((c) => c.word)))})`;
    });
    return `${parts.join(' AND ')} AND NOT (${exact})`;
  };
  return { exact, rank, typo };
}

export interface QueryShape {
  limit: number;
  projectId?: number | undefined;
  budget: number;
}

/**
 * One entity's rows of the given classes, best first. `index` and `recency` differ only in the
 * planner settings they run under (search.ts); `recency-budget` looks at the newest `budget` rows only.
 */
export function entityQuery(
  entity: Entity,
  term: SearchTerm,
  corrections: Map<string, Correction[]>,
  ranks: number[],
  read: ReadMode,
  shape: QueryShape,
): EntityQuery {
  const params: unknown[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  const c = conditions(entity, term, corrections, param);
  const typoOnly = ranks.length === 1 && ranks[0] === 4;
  const typo = typoOnly ? c.typo() : null;
  if (typoOnly && typo === null) throw new Error('entityQuery: a typo pass needs corrections');
  const rank = typoOnly ? '4' : c.rank();
  let where = typo ?? c.exact;
  if (!typoOnly && ranks.length < 4) where += ranks.length === 1 ? ` AND ${rank} = ${ranks[0]}` : ` AND ${rank} IN (${ranks.join(', ')})`;
  if (shape.projectId !== undefined) where += ` AND x.${entity.projectColumn} = ${param(shape.projectId)}`;
  const on =
    entity.kind === 'comment' ? 'x.entity_type::text AS on_kind, x.entity_id AS on_id' : 'NULL::text AS on_kind, NULL::bigint AS on_id';
  const from = read === 'recency-budget' ? `(SELECT * FROM ${entity.table} ORDER BY id DESC LIMIT ${shape.budget}) x` : `${entity.table} x`;
  const text = [
    'SELECT m.id, m.project_id, p.name AS project_name, m.text, m.rank, m.on_kind, m.on_id',
    `FROM (SELECT x.id, x.${entity.projectColumn} AS project_id, x.${entity.column} AS text, ${rank} AS rank, ${on}`,
    `      FROM ${from} WHERE ${where}`,
    `      ORDER BY ${ranks.length > 1 ? 'rank, ' : ''}x.id DESC LIMIT ${shape.limit}) m`,
    'JOIN projects p ON p.id = m.project_id',
    'ORDER BY m.rank, m.id DESC',
  ].join('\n');
  return { entity, ranks, read, text, params };
}

/** The planner settings each read runs under (set for the transaction, before each query). */
export function plannerSettings(read: ReadMode | 'lexicon'): Record<string, 'on' | 'off'> {
  // lexicon: the defaults (its trigram and btree indexes are both right for it).
  if (read === 'lexicon') return { enable_seqscan: 'on', enable_indexscan: 'on', enable_bitmapscan: 'on' };
  // index: only bitmap scans (the trigram GIN) may read the table, never a walk that could not stop.
  // recency: only index scans (the primary key, backwards) may, so LIMIT stops the walk; no bitmap of every match.
  return read === 'index'
    ? { enable_seqscan: 'off', enable_indexscan: 'off', enable_bitmapscan: 'on' }
    : { enable_seqscan: 'off', enable_indexscan: 'on', enable_bitmapscan: 'off' };
}
