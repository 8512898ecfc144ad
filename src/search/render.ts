import type { SearchHit, SearchResult } from './search.js';

const BOLD_RED = '\u001B[1;31m';
const DIM = '\u001B[2m';
const RESET = '\u001B[0m';

/**
 * The ranked list as a terminal shows it, like `rg`: one hit per line with where it lives,
 * the text with its matches marked in colour (only when `color`), and a summary at the end.
 */
export function renderResult(result: SearchResult, color: boolean): string[] {
  const lines = result.hits.map((hit) => renderHit(hit, color));
  const counts = result.entities.map((e) => `${e.kind}s ${e.exact}${e.exactMore ? '+' : ''} exact${result.fuzzyRan ? `, ${e.fuzzy}${e.fuzzyMore ? '+' : ''} fuzzy` : ''}`);
  lines.push('', `${result.hits.length} result${result.hits.length === 1 ? '' : 's'} for "${result.term}" (${counts.join('; ')})`);
  if (result.entities.some((e) => e.more)) {
    lines.push('Common term: only the first matches of each table were ranked. Add words, or use --project or --in, to narrow it.');
  }
  return lines;
}

function renderHit(hit: SearchHit, color: boolean): string {
  const where = hit.kind === 'project' ? `project ${hit.id}` : `${hit.kind} ${hit.id}${hit.on ? ` on ${hit.on.kind} ${hit.on.id}` : ''} · ${hit.projectName}`;
  const head = `${hit.match === 'fuzzy' ? '~' : ' '} ${hit.score.toFixed(2)}  ${where}`;
  return `${color ? DIM + head + RESET : head}  ${mark(hit, color)}`;
}

function mark(hit: SearchHit, color: boolean): string {
  if (!color) return hit.text;
  let out = '';
  let at = 0;
  for (const [start, end] of hit.highlights) {
    out += hit.text.slice(at, start) + BOLD_RED + hit.text.slice(start, end) + RESET;
    at = end;
  }
  return out + hit.text.slice(at);
}

/** Each query's plan, headed by whether it used the table's trigram index. */
export function renderPlans(result: SearchResult): string[] {
  return (result.plans ?? []).flatMap((p) => [
    `-- ${p.kind}s, ${p.tier}: ${p.indexUsed ? `uses ${p.index}` : `does NOT use ${p.index}`}`,
    p.plan,
    '',
  ]);
}
