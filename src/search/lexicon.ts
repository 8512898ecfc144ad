import type { Queryable } from '../db/db.js';
import { ENTITIES, type Entity, type EntityKind } from './entities.js';
import { LONG_RUN_KEY, MAX_KEYS, likePattern, type KeySet, type Lookup, type WordShape } from './keys.js';
import type { Candidate } from './typos.js';

/**
 * Reading the lexicons (sql/migrations/*_search_lexicon.sql and *_search_keys.sql): what a typed
 * word is made of, which keys match it and in how many rows, which words look like a typed one. All
 * are index lookups in tables of keys, milliseconds whatever the size of the searched table.
 */

/** Each word cut into runs by the server itself (lower-cased as the lexicons are), so the lookups agree with search_keys. */
export async function shapeWords(tx: Queryable, words: readonly string[]): Promise<Map<string, WordShape>> {
  const shapes = new Map<string, WordShape>();
  const rows = await tx.query<{ word: string; lower: string; run: string | null; alnum: boolean | null }>(
    `SELECT w.word, lower(w.word) AS lower, r.m[1] AS run, r.m[1] ~ '^[[:alnum:]]' AS alnum
       FROM unnest($1::text[]) AS w(word)
       LEFT JOIN LATERAL regexp_matches(lower(w.word), '[[:alnum:]]+|[^[:alnum:][:space:]]+', 'g') WITH ORDINALITY AS r(m, n) ON true
      ORDER BY w.word, r.n`,
    [words],
  );
  for (const r of rows) {
    if (!shapes.has(r.word)) shapes.set(r.word, { lower: r.lower, runs: [] });
    if (r.run !== null) shapes.get(r.word)!.runs.push({ text: r.run, alnum: r.alnum === true });
  }
  return shapes;
}

export interface EntityKeys {
  /** One per lookup, in the lookups' order. */
  sets: KeySet[];
  /** Rows holding a run over 64 characters (LONG_RUN_KEY): candidates for every lookup. */
  longRows: number;
  /** The searched table's rows, as the planner counts them (the catalog: no row of the table is read). */
  tableRows: number;
}

/**
 * Every lookup against every entity's lexicon, in one round trip: the keys (the commonest first,
 * at most MAX_KEYS) and the rows they are in. Keys without a letter or digit are read through the
 * lexicon's small index of them; the others through its trigram index or primary key.
 */
export async function fetchKeys(
  tx: Queryable,
  entities: readonly Entity[],
  lookups: readonly Lookup[],
): Promise<Map<EntityKind, EntityKeys>> {
  const out = new Map<EntityKind, EntityKeys>(
    entities.map((e) => [e.kind, { sets: lookups.map((): KeySet => ({ keys: [], rows: 0 })), longRows: 0, tableRows: 1 }]),
  );
  const params: unknown[] = [LONG_RUN_KEY];
  const param = (value: unknown) => `$${params.push(value)}`;
  const values = lookups.map((l) => param(l.match === 'equals' ? l.text : likePattern(l)));
  const selects = entities.flatMap((e) => [
    `SELECT '${e.kind}' AS kind, -1 AS i, word, row_count::float8 AS rows, 1::float8 AS n, row_count::float8 AS total FROM ${e.lexicon} WHERE word = $1`,
    // Never analysed (reltuples -1): about 30 rows a page, from the file's size.
    `SELECT '${e.kind}', -2, NULL, 0, 0, greatest(1, CASE WHEN reltuples >= 0 THEN reltuples ELSE pg_relation_size(oid) / 8192 * 30 END)::float8
       FROM pg_class WHERE oid = '${e.table}'::regclass`,
    ...lookups.map((l, i) => {
      const where =
        l.match === 'equals' ? `word = ${values[i]}` : `word LIKE ${values[i]} ESCAPE '\\'${l.alnum ? '' : " AND word !~ '[[:alnum:]]'"}`;
      return `SELECT '${e.kind}' AS kind, ${i} AS i, k.* FROM (
         SELECT word, row_count::float8 AS rows, count(*) OVER ()::float8 AS n, sum(row_count) OVER ()::float8 AS total
           FROM ${e.lexicon} WHERE ${where} ORDER BY row_count DESC, word LIMIT ${MAX_KEYS + 1}) k`;
    }),
  ]);
  const rows = await tx.query<{ kind: EntityKind; i: number; word: string; rows: number; n: number; total: number }>(
    selects.map((s) => `(${s})`).join('\nUNION ALL\n'),
    params,
  );
  for (const r of rows) {
    const entity = out.get(r.kind)!;
    if (r.i < 0) {
      if (r.i === -1) entity.longRows = Number(r.total);
      else entity.tableRows = Number(r.total);
      continue;
    }
    const set = entity.sets[r.i]!;
    set.rows = Number(r.total);
    if (Number(r.n) > MAX_KEYS) set.keys = null;
    else set.keys?.push(r.word);
  }
  return out;
}

/** How many candidates the similarity search hands over per typed word, before the exact edit-distance filter. */
const CANDIDATES = 60;

/**
 * For each typed word, the lexicon words whose pg_trgm word_similarity reaches its cut-off,
 * closest first, in one round trip. The `<%` operator (the index condition) uses the
 * transaction's pg_trgm.word_similarity_threshold, which must be at most every cut-off (search.ts sets it).
 */
export async function similarWords(
  tx: Queryable,
  entity: Entity,
  typed: readonly { word: string; threshold: number }[],
): Promise<Map<string, Candidate[]>> {
  const out = new Map<string, Candidate[]>(typed.map((t) => [t.word, []]));
  if (typed.length === 0) return out;
  const rows = await tx.query<{ typed: string; word: string; rows: string | number; similarity: number }>(
    `SELECT t.typed, c.word, c.rows, c.similarity
       FROM unnest($1::text[], $2::text[], $3::float8[]) AS t(typed, lower, threshold)
       CROSS JOIN LATERAL (
         SELECT word, row_count::float8 AS rows, word_similarity(t.lower, word)::float8 AS similarity FROM ${entity.lexicon}
          WHERE t.lower <% word AND word_similarity(t.lower, word) >= t.threshold
          ORDER BY similarity DESC, row_count DESC, word LIMIT ${CANDIDATES}) c`,
    [typed.map((t) => t.word), typed.map((t) => t.word.toLowerCase()), typed.map((t) => t.threshold)],
  );
  for (const r of rows) out.get(r.typed)!.push({ word: r.word, rows: Number(r.rows), similarity: Number(r.similarity) });
  return out;
}

/**
 * Recounts every lexicon from its table. The triggers keep the lexicons exact (COPY included),
 * so this is a repair tool: after triggers were disabled, or to check them (the tests compare).
 */
export async function rebuildLexicons(db: Queryable, entities: readonly Entity[] = ENTITIES): Promise<void> {
  for (const e of entities) {
    await db.query(`DELETE FROM ${e.lexicon}`);
    await db.query(
      `INSERT INTO ${e.lexicon} (word, row_count) SELECT w, count(*) FROM ${e.table}, search_words(${e.column}) AS w GROUP BY w`,
    );
  }
}
