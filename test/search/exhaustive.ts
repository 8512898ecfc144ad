import type { Queryable } from '../../src/db/db.js';
import { ENTITIES, type SearchResult } from '../../src/search/index.js';
import { shapeWords } from '../../src/search/lexicon.js';
import { conditions, source } from '../../src/search/queries.js';
import { KIND_ORDER } from '../../src/search/ranking.js';
import { parseTerm } from '../../src/search/terms.js';
import type { Correction } from '../../src/search/typos.js';

/**
 * The exhaustive order of a term: every row of every table scored in SQL by the documented
 * classes (the same predicates as the search), sorted by class, kind and id, with no plan
 * choice and no LIMIT before the sort. Typo matches use the corrections the search reported.
 * Returns `kind:id:rank` for the first `result.limit` rows.
 */
export async function exhaustive(db: Queryable, termText: string, result: SearchResult): Promise<string[]> {
  const term = parseTerm(termText);
  const shapes = await shapeWords(
    db,
    term.words.map((w) => w.text),
  );
  const params: unknown[] = [];
  const param = (v: unknown) => `$${params.push(v)}`;
  const selects = ENTITIES.map((e) => {
    const corrections = new Map<string, Correction[]>();
    for (const w of result.entities.find((x) => x.kind === e.kind)?.words ?? []) corrections.set(w.word, w.corrections ?? []);
    const c = conditions(term, corrections, (word) => shapes.get(word)!.lower, param);
    const typo = c.typo();
    return `SELECT '${e.kind}' AS kind, ${KIND_ORDER[e.kind]} AS kind_order, x.id, CASE WHEN ${c.exact} THEN ${c.rank()} ${typo ? `WHEN ${typo} THEN 4` : ''} END AS rank FROM ${source(e)}`;
  });
  const rows = await db.query<{ kind: string; id: number; rank: number }>(
    `SELECT kind, id, rank FROM (${selects.join(' UNION ALL ')}) s WHERE rank IS NOT NULL ORDER BY rank, kind_order, id DESC LIMIT ${result.limit}`,
    params,
  );
  return rows.map((r) => `${r.kind}:${r.id}:${r.rank}`);
}
