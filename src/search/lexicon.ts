import type { Queryable } from '../db/db.js';
import { ENTITIES, type Entity, type EntityKind } from './entities.js';
import { containsPattern } from './terms.js';
import type { Candidate } from './typos.js';

/**
 * Reading the word lexicons (sql/migrations/*_search_lexicon.sql): how many rows hold a word,
 * which words look like a typed one. Both are index lookups in a table of words, milliseconds
 * whatever the size of the searched table.
 */

export interface PartCount {
  /** Rows holding a word that contains the part (a sum over words: an upper bound on the rows). */
  inside: number;
  /** Rows holding the part as a whole word (exact). */
  whole: number;
}

/** The key of a word start (a term word under 3 letters) in countParts' answer. */
export const prefixKey = (part: string) => `${part}…`;

/**
 * Counts for each alphanumeric part (lower-case, 3 letters or more) and each word start (under
 * 3 letters: the words beginning with it), for every entity, in one round trip.
 */
export async function countParts(
  tx: Queryable,
  entities: readonly Entity[],
  parts: readonly string[],
  starts: readonly string[] = [],
): Promise<Map<EntityKind, Map<string, PartCount>>> {
  const counts = new Map<EntityKind, Map<string, PartCount>>(entities.map((e) => [e.kind, new Map()]));
  if (parts.length + starts.length === 0) return counts;
  const keys = [...parts, ...starts.map(prefixKey)];
  const patterns = [...parts.map(containsPattern), ...starts.map((s) => containsPattern(s).slice(1))];
  const exact = [...parts, ...starts];
  const selects = entities.map(
    (e) => `SELECT '${e.kind}' AS kind, p.key,
            (SELECT coalesce(sum(l.row_count), 0) FROM ${e.lexicon} l WHERE l.word LIKE p.pattern ESCAPE '\\')::float8 AS inside,
            coalesce((SELECT l.row_count FROM ${e.lexicon} l WHERE l.word = p.part), 0)::float8 AS whole
       FROM unnest($1::text[], $2::text[], $3::text[]) AS p(key, pattern, part)`,
  );
  const rows = await tx.query<{ kind: EntityKind; key: string; inside: string | number; whole: string | number }>(
    selects.join('\nUNION ALL\n'),
    [keys, patterns, exact],
  );
  for (const r of rows) counts.get(r.kind)!.set(r.key, { inside: Number(r.inside), whole: Number(r.whole) });
  return counts;
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
