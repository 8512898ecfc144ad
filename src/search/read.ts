import type { Entity } from './entities.js';
import { rareRows, type ClassStep, type EntityPlan, type Tuning } from './plan.js';
import { entityQuery, type EntityQuery, type Lower, type QueryShape, type RankedRow, type ReadMode } from './queries.js';
import { isPhrase, type SearchTerm } from './terms.js';
import type { Correction } from './typos.js';

export type Runner = (query: EntityQuery) => Promise<RankedRow[]>;

export interface ReadContext {
  run: Runner;
  term: SearchTerm;
  lower: Lower;
  shape: { projectId?: number | undefined };
  tuning: Tuning;
}

/**
 * Reads one entity's rank classes as its plan says (plan.ts), one class at a time, each as cheaply
 * as what is known allows. The classes of several words, which the lexicon bounds only by their
 * rarest word, are first counted in a window of the newest rows (one walk for every class): a class
 * with a page of rows there is served from it; one the window shows to be sparse is read whole
 * through the keys index (a phrase class through the keys of its word pairs, which follow the
 * phrase's own rows however common its words are); a dense one is walked. A class the lexicon counts
 * as many is walked newest first, over walkSlack times the rows its density needs. A walk that does
 * not fill the page proves only that those rows hold too few: the class is sparse, and the keys
 * index serves it whole after all. A class read whole through the index takes the class after it
 * along (0 with 1, 2 with 3) when that one would be read through the index too: one read of the
 * rows holding the keys both share, instead of two that read the rows of the first twice.
 */
export class EntityReader {
  private window?: RankedRow[];
  private all?: RankedRow[];
  /** Rows of a class read together with the class before it (readWhole). */
  private ahead = new Map<number, RankedRow[]>();

  constructor(
    private readonly ctx: ReadContext,
    private readonly entity: Entity,
    private readonly plan: EntityPlan,
  ) {}

  /** The plan's `index` strategy: one query ranks every match; each class reads from it. */
  async indexed(rank: number, need: number): Promise<RankedRow[]> {
    this.all ??= await this.query(this.plan.ranks, 'index', need, this.plan.keys);
    return this.classOf(this.all, rank, need);
  }

  async read(step: ClassStep, need: number, corrections: Map<string, Correction[]>): Promise<{ rows: RankedRow[]; read: string }> {
    const { tuning } = this.ctx;
    const rows = this.plan.tableRows;
    const query = (read: ReadMode, budget = 0) => this.query([step.rank], read, need, step.keys, corrections, { budget });
    const ahead = this.ahead.get(step.rank);
    if (ahead) return { rows: ahead.slice(0, need), read: `index, with class ${step.rank - 1}` };
    if (step.read === 'index') return { rows: await this.readWhole(step, need, corrections), read: step.read };
    if (step.read === 'recency') return { rows: await query(step.read), read: step.read };
    // The rows a walk expects to read for a page: from the lexicon's count, or from the window's.
    let expected = (need * rows) / Math.max(1, step.estimate ?? 1);
    let how = '';
    if (isPhrase(this.ctx.term)) {
      const width = tuning.window;
      let seen: RankedRow[];
      if (step.rank < 4) {
        this.window ??= await this.query(this.plan.ranks, 'recency-budget', need, [], corrections, { budget: width, perClass: true });
        seen = this.classOf(this.window, step.rank, need);
      } else seen = await query('recency-budget', width);
      if (seen.length >= need) return { rows: seen, read: 'window' };
      // The class's density in the window: the index reads about seen × rows / width rows, a walk
      // need × width / seen; the cheaper one is chosen as for a count from the lexicon (rareRows).
      if (this.sparse(seen.length, need)) return { rows: await this.readWhole(step, need, corrections), read: 'window, then index' };
      expected = (need * width) / seen.length;
      how = 'window, then ';
    }
    // At least a window's rows: a short walk costs little, and the table's count may be stale.
    let budget = Math.ceil(Math.max(tuning.window, tuning.walkSlack * expected));
    for (let round = 1; ; round++) {
      const walked = await query('recency-budget', budget);
      if (walked.length >= need || budget >= rows) return { rows: walked, read: `${how}recency-budget${round > 1 ? ` ×${round}` : ''}` };
      // Too few in `budget` rows: at the density found, a longer walk may still cost less than
      // reading the class whole through the index (about found × rows / budget rows). Once.
      const longer = walked.length === 0 ? Infinity : Math.ceil((tuning.walkSlack * need * budget) / walked.length);
      if (round > 1 || longer > ((walked.length * rows) / budget) * tuning.indexRowCost)
        return { rows: await query('index'), read: `${how}recency-budget, then index` };
      budget = longer;
    }
  }

  /**
   * An exact class through the keys index, with the next class when the lexicon or the window
   * shows that one sparse too: one query ranks both, over the keys every row of either holds (those
   * both classes name, and every word's). Its page holds the next class's rows that are still wanted
   * once this class's are taken, which is all the next read can ask for.
   */
  private async readWhole(step: ClassStep, need: number, corrections: Map<string, Correction[]>): Promise<RankedRow[]> {
    const next = step.rank === 0 || step.rank === 2 ? this.plan.steps.find((s) => s.rank === step.rank + 1) : undefined;
    const sparse =
      next?.read === 'index' ||
      (next?.read === 'recency-budget' &&
        this.window !== undefined &&
        this.sparse(this.classOf(this.window, next.rank, need).length, need));
    const named = new Set(step.keys.map((k) => JSON.stringify(k)));
    const keys = [
      ...new Set([...(next?.keys ?? []).filter((k) => named.has(JSON.stringify(k))), ...this.plan.keys].map((k) => JSON.stringify(k))),
    ];
    if (!next || !sparse || keys.length === 0) return this.query([step.rank], 'index', need, step.keys, corrections);
    const rows = await this.query(
      [step.rank, next.rank],
      'index',
      need,
      keys.map((k) => JSON.parse(k) as string[]),
    );
    this.ahead.set(next.rank, this.classOf(rows, next.rank, need));
    return this.classOf(rows, step.rank, need);
  }

  /** A class with `seen` rows in the window is sparse when the index reads its rows sooner than a walk fills the page (rareRows). */
  private sparse(seen: number, need: number): boolean {
    const rows = this.plan.tableRows;
    return (seen * rows) / this.ctx.tuning.window <= rareRows(need, rows, this.ctx.tuning);
  }

  private classOf(rows: RankedRow[], rank: number, need: number): RankedRow[] {
    return rows.filter((r) => Number(r.rank) === rank).slice(0, need);
  }

  private query(
    ranks: number[],
    read: ReadMode,
    limit: number,
    keys: EntityPlan['keys'],
    corrections = new Map<string, Correction[]>(),
    extra: Partial<QueryShape> = {},
  ): Promise<RankedRow[]> {
    const shape: QueryShape = { ...this.ctx.shape, limit, budget: 0, ...extra };
    return this.ctx.run(entityQuery(this.entity, this.ctx.term, corrections, this.ctx.lower, ranks, read, shape, keys));
  }
}
