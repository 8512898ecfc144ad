import type { Db, Queryable } from '../db/db.js';
import { DevdbError, usageError } from '../errors.js';
import { ENTITIES, ENTITY_NAMES, type Entity, type EntityKind } from './entities.js';
import { explainQuery, type QueryPlan } from './explain.js';
import { entityQuery, type EntityQuery, type PoolRow, type Tier } from './queries.js';
import { snippet, type Range } from './snippet.js';
import { parseTerm, type SearchTerm, type TermWord } from './terms.js';

export interface SearchOptions {
  term: string;
  /** Table names as `--in` takes them (projects, tasks, comments); default all three. */
  in?: readonly string[] | undefined;
  projectId?: number | undefined;
  limit?: number | undefined;
  /** The fuzzy cut-off (pg_trgm word_similarity, per word); default: what one typo in that word needs. */
  threshold?: number | undefined;
  /** Runs EXPLAIN ANALYZE on each query and reports whether its trigram index was used. */
  explain?: boolean | undefined;
}

export interface SearchHit {
  kind: EntityKind;
  id: number;
  projectId: number;
  projectName: string;
  /** What a comment is attached to. */
  on?: { kind: 'project' | 'task'; id: number };
  /** exact: every word found as typed; fuzzy: found with typos. Exact always ranks first. */
  match: Tier;
  /** exact in [1, 2] (whole words in a short text score highest), fuzzy in (0, 1). */
  score: number;
  /** The name or title, or the part of a comment around the match, on one line. */
  text: string;
  highlights: Range[];
}

export interface EntitySummary {
  kind: EntityKind;
  exact: number;
  fuzzy: number;
  /** More rows matched than were ranked (a pool was full): narrow the search to see them all. */
  more: boolean;
  exactMore: boolean;
  fuzzyMore: boolean;
}

export interface SearchResult {
  term: string;
  words: TermWord[];
  limit: number;
  /** Fuzzy matching runs only when exact matches do not fill the limit. */
  fuzzyRan: boolean;
  hits: SearchHit[];
  entities: EntitySummary[];
  /** What the user should know about how the term was matched (short words, full scans). */
  notices: string[];
  plans?: QueryPlan[];
}

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 1000;
/** Candidates each table hands over per tier: small enough to stay fast on common words. */
const MIN_POOL = 100;

const kindOrder: Record<EntityKind, number> = { project: 0, task: 1, comment: 2 };
const tierOrder: Record<Tier, number> = { exact: 0, fuzzy: 1 };

export async function search(db: Db, options: SearchOptions): Promise<SearchResult> {
  const term = parseTerm(options.term, checkThreshold(options.threshold));
  const entities = pickEntities(options.in);
  const limit = checkLimit(options.limit ?? DEFAULT_LIMIT);
  const projectId = options.projectId === undefined ? undefined : checkProjectId(options.projectId);
  const shape = { pool: Math.max(MIN_POOL, limit), limit, projectId };

  return db.transaction(async (tx) => {
    // Searching never writes; READ ONLY makes that a guarantee, whatever the term holds.
    await tx.query('SET TRANSACTION READ ONLY');
    if (projectId !== undefined && (await tx.query('SELECT 1 FROM projects WHERE id = $1', [projectId])).length === 0) {
      throw new DevdbError('E_NOT_FOUND', `No project has id ${projectId}: drop --project, or pick an id from devdb search "<its name>" --in projects.`);
    }
    // Under a LIMIT the planner bets on a sequential scan finding the pool early, a bet it
    // cannot price for text patterns (a rare word reads the whole table). The trigram index
    // bounds the work whatever the word, so it is the plan; it cannot help an unindexed term.
    if (!term.unindexed) await tx.query("SELECT set_config('enable_seqscan', 'off', true)");
    const plans: QueryPlan[] = [];
    const run = async (query: EntityQuery): Promise<PoolRow[]> => {
      if (options.explain) plans.push(await explainQuery(tx, query));
      return tx.query<PoolRow>(query.text, query.params);
    };

    const found = new Map<EntityKind, { exact: PoolRow[]; fuzzy: PoolRow[] }>();
    for (const entity of entities) found.set(entity.kind, { exact: await run(entityQuery(entity, term, 'exact', shape)), fuzzy: [] });
    const exactTotal = [...found.values()].reduce((sum, f) => sum + (f.exact[0]?.pool ?? 0), 0);
    // Exact matches rank above fuzzy ones, so fuzzy rows could only fill what is left.
    const fuzzyRan = term.fuzzy && exactTotal < limit;
    if (fuzzyRan) {
      const need = limit - exactTotal;
      for (const entity of entities) found.get(entity.kind)!.fuzzy = await run(entityQuery(entity, term, 'fuzzy', { ...shape, limit: need }));
    }

    const hits = entities
      .flatMap((entity) => {
        const rows = found.get(entity.kind)!;
        return [...rows.exact.map((r) => toHit(entity, r, 'exact', term)), ...rows.fuzzy.map((r) => toHit(entity, r, 'fuzzy', term))];
      })
      .sort((a, b) => tierOrder[a.match] - tierOrder[b.match] || b.score - a.score || kindOrder[a.kind] - kindOrder[b.kind] || a.id - b.id)
      .slice(0, limit);
    const summaries = entities.map((entity): EntitySummary => {
      const rows = found.get(entity.kind)!;
      const exact = rows.exact[0]?.pool ?? 0;
      const fuzzy = rows.fuzzy[0]?.pool ?? 0;
      return { kind: entity.kind, exact, fuzzy, more: exact >= shape.pool || fuzzy >= shape.pool, exactMore: exact >= shape.pool, fuzzyMore: fuzzy >= shape.pool };
    });
    const notices = [...shortWordNotices(term), ...(term.unindexed ? [await fullScanNotice(tx, term, entities)] : [])];
    return { term: term.text, words: term.words, limit, fuzzyRan, hits, entities: summaries, notices, ...(options.explain ? { plans } : {}) };
  });
}

function toHit(entity: Entity, row: PoolRow, match: Tier, term: SearchTerm): SearchHit {
  const shown = snippet(row.text, term, match === 'fuzzy', entity.long);
  return {
    kind: entity.kind,
    id: row.id,
    projectId: row.project_id,
    projectName: row.project_name,
    ...(row.on_kind === 'project' || row.on_kind === 'task' ? { on: { kind: row.on_kind, id: row.on_id! } } : {}),
    match,
    score: Math.round(row.score * 10000) / 10000,
    text: shown.text,
    highlights: shown.highlights,
  };
}

function pickEntities(names: readonly string[] | undefined): Entity[] {
  if (names === undefined) return [...ENTITIES];
  const wanted = new Set(names.map((n) => n.trim().toLowerCase()).filter((n) => n !== ''));
  const unknown = [...wanted].filter((n) => !ENTITIES.some((e) => e.plural === n || e.kind === n));
  if (unknown.length > 0 || wanted.size === 0) {
    throw usageError(`--in takes a comma-separated list of ${ENTITY_NAMES.join(', ')}${unknown.length > 0 ? ` (got ${unknown.join(', ')})` : ''}.`);
  }
  return ENTITIES.filter((e) => wanted.has(e.plural) || wanted.has(e.kind));
}

function checkLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw usageError(`--limit must be a whole number from 1 to ${MAX_LIMIT} (got ${limit}).`);
  return limit;
}

function checkThreshold(threshold: number | undefined): number | undefined {
  if (threshold !== undefined && !(threshold > 0 && threshold <= 1)) {
    throw usageError(`--threshold must be above 0 and at most 1 (got ${threshold}): lower finds more typos, 1 finds near-exact spellings only.`);
  }
  return threshold;
}

function checkProjectId(id: number): number {
  if (!Number.isSafeInteger(id) || id < 1) throw usageError(`--project takes a project id, a whole number from 1 (got ${id}).`);
  return id;
}

function shortWordNotices(term: SearchTerm): string[] {
  const short = term.words.filter((w) => w.mode === 'word-prefix').map((w) => `"${w.text}"`);
  if (short.length === 0) return [];
  return [`${short.join(', ')} ${short.length === 1 ? 'is' : 'are'} under 3 letters, too short for trigrams: matched at the start of a word (ui finds "UI" and "uint", not "build"), with no typo tolerance.`];
}

async function fullScanNotice(tx: Queryable, term: SearchTerm, entities: Entity[]): Promise<string> {
  const rows = await tx.query<{ reltuples: number }>('SELECT reltuples::float8 AS reltuples FROM pg_class WHERE oid = ANY($1::regclass[])', [entities.map((e) => e.table)]);
  const total = rows.reduce((sum, r) => sum + Math.max(0, r.reltuples), 0);
  const size = total > 0 ? ` (about ${Math.round(total).toLocaleString('en-US')} rows)` : '';
  return `"${term.text}" has no letter or digit, so no trigram index can help: ${entities.map((e) => e.plural).join(', ')} were read row by row${size} until enough matches turned up.`;
}
