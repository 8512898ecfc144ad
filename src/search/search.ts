import type { Db, Queryable } from '../db/db.js';
import { DevdbError, usageError } from '../errors.js';
import { ENTITIES, ENTITY_NAMES, type Entity, type EntityKind } from './entities.js';
import { explainQuery, type QueryPlan } from './explain.js';
import { termLookups } from './keys.js';
import { fetchKeys, shapeWords, similarWords } from './lexicon.js';
import { DEFAULT_TUNING, planEntity, planTypos, type ClassStep, type EntityPlan, type Tuning, type WordCount } from './plan.js';
import { compareHits, MATCHES } from './ranking.js';
import { plannerSettings, type EntityQuery, type Lower, type RankedRow } from './queries.js';
import { EntityReader, type ReadContext } from './read.js';
import { snippet, type Range } from './snippet.js';
import { parseTerm, type SearchTerm, type TermWord } from './terms.js';
import { pickCorrections, type Correction } from './typos.js';

export interface SearchOptions {
  term: string;
  /** Table names as `--in` takes them (projects, tasks, comments); default all three. */
  in?: readonly string[] | undefined;
  projectId?: number | undefined;
  limit?: number | undefined;
  /** The typo candidates' cut-off (pg_trgm word_similarity in the lexicon); default: what one typo in that word needs. */
  threshold?: number | undefined;
  /** Runs EXPLAIN ANALYZE on each query and reports the plan chosen per word and per class. */
  explain?: boolean | undefined;
  /** The planner's two thresholds (plan.ts), lowered by tests so a small seed exercises every plan. */
  tuning?: Partial<Tuning> | undefined;
}

export type Match = (typeof MATCHES)[number];

export interface SearchHit {
  kind: EntityKind;
  id: number;
  projectId: number;
  projectName: string;
  /** What a comment is attached to. */
  on?: { kind: 'project' | 'task'; id: number };
  /** phrase: the term as typed; words: every word, in any order; typo: some word through a correction. */
  match: Match;
  /** The rank class, 0 (best) to 4 (typo): see ranking.ts. */
  rank: number;
  /** The name or title, or the part of a comment around the match, on one line. */
  text: string;
  highlights: Range[];
}

export interface EntitySummary {
  kind: EntityKind;
  strategy: EntityPlan['strategy'];
  /** The rarest word and the rows the lexicon says may hold it. */
  drive: EntityPlan['drive'];
  words: WordCount[];
  /** How each rank class was read (recency plans and the typo pass). */
  steps: { rank: number; read: string; estimate: number | null; found: number }[];
}

export interface SearchResult {
  term: string;
  words: TermWord[];
  limit: number;
  /** The typo pass runs only when exact matches do not fill the page. */
  fuzzyRan: boolean;
  hits: SearchHit[];
  entities: EntitySummary[];
  /** What the user should know about how the term was matched (short words, full scans). */
  notices: string[];
  plans?: QueryPlan[];
}

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 1000;

/** Every option checked and parsed, without the database: a usage error (exit 2) comes before anything is opened. */
export function checkSearchOptions(options: SearchOptions) {
  return {
    term: parseTerm(options.term, checkThreshold(options.threshold)),
    entities: pickEntities(options.in),
    limit: checkLimit(options.limit ?? DEFAULT_LIMIT),
    projectId: options.projectId === undefined ? undefined : checkProjectId(options.projectId),
  };
}

export async function search(db: Db, options: SearchOptions): Promise<SearchResult> {
  const { term, entities, limit, projectId } = checkSearchOptions(options);
  const tuning: Tuning = { ...DEFAULT_TUNING, ...options.tuning };

  return db.transaction(async (tx) => {
    const plans: QueryPlan[] = [];
    // Planner settings per read (queries.ts), sent only when they change; the typo candidates'
    // index condition reads word_similarity_threshold, set once at the loosest word's cut-off.
    // A settings statement is sent together with the query it is for, never waited for on its own:
    // the connection keeps their order (postgres.js pipelines them, PGlite queues them), and a
    // search's cost on a busy machine is mostly its round trips.
    const cutoffs = term.words.filter((w) => w.fuzzy !== null).map((w) => w.fuzzy!);
    let settled = '';
    const settle = (read: EntityQuery['read'] | 'lexicon'): Promise<unknown> => {
      const key = JSON.stringify(plannerSettings(read));
      if (key === settled) return Promise.resolve();
      const settings: Record<string, string> = {
        ...plannerSettings(read),
        // Searching never writes; read-only (SET TRANSACTION READ ONLY, sent with the first settings)
        // makes that a guarantee, whatever the term holds.
        ...(settled === '' ? { transaction_read_only: 'on', 'pg_trgm.word_similarity_threshold': String(Math.min(1, ...cutoffs)) } : {}),
      };
      settled = key;
      return tx.query(
        `SELECT ${Object.keys(settings)
          .map((k, i) => `set_config('${k}', $${i + 1}, true)`)
          .join(', ')}`,
        Object.values(settings),
      );
    };
    const run = async (query: EntityQuery): Promise<RankedRow[]> => {
      const [, plan, rows] = await Promise.all([
        settle(query.read),
        options.explain ? explainQuery(tx, query) : undefined,
        tx.query<RankedRow>(query.text, query.params),
      ]);
      if (plan) plans.push(plan);
      return rows;
    };
    const noCorrections = new Map<string, Correction[]>();

    const plansBy = new Map<EntityKind, { plan: EntityPlan; steps: EntitySummary['steps']; reader: EntityReader }>();
    const [, known, shapes] = await Promise.all([
      settle('lexicon'),
      projectId === undefined ? true : tx.query('SELECT 1 FROM projects WHERE id = $1', [projectId]).then((r) => r.length > 0),
      shapeWords(
        tx,
        term.words.map((w) => w.text),
      ),
    ]);
    if (!known) {
      throw new DevdbError(
        'E_NOT_FOUND',
        `No project has id ${projectId}: drop --project, or pick an id from devdb search "<its name>" --in projects.`,
      );
    }
    const lower: Lower = (word) => shapes.get(word)!.lower;
    const lookups = termLookups(term, shapes);
    const found = await fetchKeys(tx, entities, lookups.lookups);
    const context: ReadContext = { run, term, lower, shape: { projectId }, tuning };
    for (const entity of entities) {
      const plan = planEntity(entity, term, shapes, lookups, found.get(entity.kind)!, { limit, projectId, tuning });
      plansBy.set(entity.kind, { plan, steps: [], reader: new EntityReader(context, entity, plan) });
    }
    // The order is class, then kind, then id (ranking.ts): classes are filled in turn, each
    // table in kind order, and the search stops as soon as the page is full.
    const ranks = plansBy.get(entities[0]!.kind)!.plan.ranks;
    const hits: SearchHit[] = [];
    for (const rank of ranks) {
      for (const entity of entities) {
        const need = limit - hits.length;
        if (need <= 0) break;
        const p = plansBy.get(entity.kind)!;
        let rows: RankedRow[];
        if (p.plan.strategy === 'index') {
          rows = await p.reader.indexed(rank, need);
        } else {
          const step = p.plan.steps.find((s) => s.rank === rank)!;
          if (step.read === 'skip') {
            p.steps.push(summaryStep(step, 0));
            continue;
          }
          const got = await p.reader.read(step, need, noCorrections);
          p.steps.push(summaryStep(step, got.rows.length, got.read));
          rows = got.rows;
        }
        hits.push(...rows.map((r) => toHit(entity, r, term, [])));
      }
    }
    const fuzzyRan = term.fuzzy && hits.length < limit;
    if (fuzzyRan) {
      // Typo matches rank below every exact one, so they only fill what is left of the page.
      for (const entity of entities) {
        const need = limit - hits.length;
        if (need <= 0) break;
        const p = plansBy.get(entity.kind)!;
        const [, corrections] = await Promise.all([settle('lexicon'), correct(tx, entity, term)]);
        for (const w of p.plan.words) w.corrections = corrections.get(w.word) ?? [];
        if (![...corrections.values()].some((c) => c.length > 0)) continue;
        const step = planTypos(p.plan, limit, tuning);
        if (step.read === 'skip') {
          p.steps.push(summaryStep(step, 0));
          continue;
        }
        const got = await p.reader.read(step, need, corrections);
        p.steps.push(summaryStep(step, got.rows.length, got.read));
        const fixes = [...corrections.values()].flat().map((c) => c.word);
        hits.push(...got.rows.map((r) => toHit(entity, r, term, fixes)));
      }
    }

    // The loops above already produce the documented order; the sort states it (and is stable).
    hits.sort(compareHits);
    const summaries = entities.map((entity): EntitySummary => {
      const p = plansBy.get(entity.kind)!;
      return { kind: entity.kind, strategy: p.plan.strategy, drive: p.plan.drive, words: p.plan.words, steps: p.steps };
    });
    const walked = summaries.filter((e) => e.steps.some((st) => st.read === 'recency')).map((e) => `${e.kind}s`);
    const notices = [...shortWordNotices(term), ...(walked.length > 0 ? [unkeyedNotice(term, walked)] : [])];
    return {
      term: term.text,
      words: term.words,
      limit,
      fuzzyRan,
      hits,
      entities: summaries,
      notices,
      ...(options.explain ? { plans } : {}),
    };
  });
}

/** What the summary keeps of a step: no keys (there can be thousands). */
function summaryStep(step: ClassStep, found: number, read: string = step.read): EntitySummary['steps'][number] {
  return { rank: step.rank, read, estimate: step.estimate, found };
}

/** Each typo-tolerant word's corrections from the entity's lexicon. */
async function correct(tx: Queryable, entity: Entity, term: SearchTerm): Promise<Map<string, Correction[]>> {
  const typed = term.words.filter((w) => w.fuzzy !== null).map((w) => ({ word: w.text, threshold: w.fuzzy! }));
  const candidates = await similarWords(tx, entity, typed);
  return new Map(typed.map((t) => [t.word, pickCorrections(t.word, candidates.get(t.word)!)]));
}

function toHit(entity: Entity, row: RankedRow, term: SearchTerm, corrections: string[]): SearchHit {
  const shown = snippet(row.text, term, corrections, entity.long);
  return {
    kind: entity.kind,
    id: Number(row.id),
    projectId: Number(row.project_id),
    projectName: row.project_name,
    ...(row.on_kind === 'project' || row.on_kind === 'task' ? { on: { kind: row.on_kind, id: Number(row.on_id) } } : {}),
    match: MATCHES[Math.min(row.rank, 4)]!,
    rank: Number(row.rank),
    text: shown.text,
    highlights: shown.highlights,
  };
}

function pickEntities(names: readonly string[] | undefined): Entity[] {
  if (names === undefined) return [...ENTITIES];
  const wanted = new Set(names.map((n) => n.trim().toLowerCase()).filter((n) => n !== ''));
  const unknown = [...wanted].filter((n) => !ENTITIES.some((e) => e.plural === n || e.kind === n));
  if (unknown.length > 0 || wanted.size === 0) {
    throw usageError(
      `--in takes a comma-separated list of ${ENTITY_NAMES.join(', ')}${unknown.length > 0 ? ` (got ${unknown.join(', ')})` : ''}.`,
    );
  }
  return ENTITIES.filter((e) => wanted.has(e.plural) || wanted.has(e.kind));
}

function checkLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
    throw usageError(`--limit must be a whole number from 1 to ${MAX_LIMIT} (got ${limit}).`);
  return limit;
}

function checkThreshold(threshold: number | undefined): number | undefined {
  if (threshold !== undefined && !(threshold > 0 && threshold <= 1)) {
    throw usageError(
      `--threshold must be above 0 and at most 1 (got ${threshold}): lower finds more typos, 1 finds near-exact spellings only.`,
    );
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
  return [
    `${short.join(', ')} ${short.length === 1 ? 'has' : 'have'} no 3 letters or digits in a row: matched at the start of a word (ui finds "UI" and "uint", not "build"), with no typo tolerance.`,
  ];
}

function unkeyedNotice(term: SearchTerm, tables: string[]): string {
  return `"${term.text}" has no part the lexicon can narrow down, so ${tables.join(', ')} were read newest first until the page was full.`;
}
