import type { Entity } from './entities.js';
import { containsPattern, typoHalves, wordStartPattern, type SearchTerm, type TermWord } from './terms.js';

export type Tier = 'exact' | 'fuzzy';

export interface EntityQuery {
  entity: Entity;
  tier: Tier;
  text: string;
  params: unknown[];
}

export interface QueryShape {
  /** Rows each table may hand over before ranking: the bound on the work per table. */
  pool: number;
  /** Rows each table returns after ranking. */
  limit: number;
  projectId?: number | undefined;
}

/**
 * One table, one tier. The inner SELECT is what the GIN index serves: a filter pg_trgm can
 * turn into index conditions (ILIKE, word-boundary regexes), cut at `pool` rows with no
 * ORDER BY, so the scan stops early instead of reading and scoring every match of a common
 * word. Only that pool is scored and ranked, then joined to its project.
 */
export function entityQuery(entity: Entity, term: SearchTerm, tier: Tier, shape: QueryShape): EntityQuery {
  const params: unknown[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;
  const column = `x.${entity.column}`;
  const exactWord = (w: TermWord) =>
    w.mode === 'word-prefix' ? `${column} ~* ${param(wordStartPattern(w.text))}` : `${column} ILIKE ${param(containsPattern(w.text))} ESCAPE '\\'`;
  const exact = term.words.map(exactWord).join(' AND ');
  let where = exact;
  let score: string;
  if (tier === 'exact') {
    const whole = param(term.text);
    score = `1 + (strict_word_similarity(${whole}::text, ${column}) + similarity(${whole}::text, ${column})) / 2`;
  } else {
    // Typo-tolerant words: the index finds an intact half, word_similarity (never an index
    // condition here) then keeps the close ones. Other words must match as typed.
    const typo = term.words.filter((w) => w.fuzzy !== null);
    const typoWord = (w: TermWord) => {
      const [start, end] = typoHalves(w.text);
      return `(${column} ~* ${param(start)} OR ${column} ~* ${param(end)}) AND word_similarity(${param(w.text)}::text, ${column}) >= ${param(w.fuzzy)}::float8`;
    };
    const parts = term.words.map((w) => (w.fuzzy !== null ? typoWord(w) : exactWord(w)));
    where = `${parts.join(' AND ')} AND NOT (${exact})`;
    score = `(${typo.map((w) => `word_similarity(${param(w.text)}::text, ${column})`).join(' + ')}) / ${typo.length}`;
  }
  const project = shape.projectId === undefined ? '' : ` AND x.${entity.projectColumn} = ${param(shape.projectId)}`;
  const on = entity.kind === 'comment' ? 'x.entity_type::text AS on_kind, x.entity_id AS on_id' : 'NULL::text AS on_kind, NULL::bigint AS on_id';
  const text = [
    'SELECT m.id, m.project_id, p.name AS project_name, m.text, m.score, m.on_kind, m.on_id, count(*) OVER () AS pool',
    `FROM (SELECT x.id, x.${entity.projectColumn} AS project_id, ${column} AS text, (${score})::float8 AS score, ${on}`,
    `      FROM ${entity.table} x WHERE ${where}${project} LIMIT ${shape.pool}) m`,
    'JOIN projects p ON p.id = m.project_id',
    `ORDER BY m.score DESC, m.id LIMIT ${shape.limit}`,
  ].join('\n');
  return { entity, tier, text, params };
}

export interface PoolRow {
  [key: string]: unknown;
  id: number;
  project_id: number;
  project_name: string;
  text: string;
  score: number;
  on_kind: string | null;
  on_id: number | null;
  pool: number;
}
