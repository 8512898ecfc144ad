import { escapeControlChars } from '../util/control-chars.js';
import type { Range } from './snippet.js';
import type { EntitySummary, SearchHit, SearchResult } from './search.js';

const BOLD_RED = '\u001B[1;31m';
const DIM = '\u001B[2m';
const RESET = '\u001B[0m';

/**
 * The ranked list as a terminal shows it, like `rg`: one hit per line with where it lives,
 * the text with its matches marked in colour (only when `color`), and a summary at the end.
 * Stored text is data: its control characters are made visible before any colour is added.
 */
export function renderResult(result: SearchResult, color: boolean): string[] {
  const lines = result.hits.map((hit) => renderHit(hit, color));
  const counts = result.entities.map(summarize);
  lines.push('', `${result.hits.length} result${result.hits.length === 1 ? '' : 's'} for ${quoted(result.term)} (${counts.join('; ')})`);
  return lines;
}

function summarize(e: EntitySummary): string {
  const read = e.strategy === 'index' ? 'index' : e.strategy === 'none' ? 'no exact match' : 'newest first';
  return `${e.kind}s: ${read}, ${e.drive ? describeDrive(e, e.drive) : 'nothing the lexicon keys'}`;
}

/**
 * The word that chose the plan, with the lexicon's count (an upper bound, hence ≤). A word in no
 * row says so plainly, and names the corrections its typo pass searched for instead.
 */
function describeDrive(e: EntitySummary, drive: NonNullable<EntitySummary['drive']>): string {
  const word = quoted(drive.word);
  if (drive.rows > 0) return `${word} in ≤${rows(drive.rows)}`;
  const fixes = e.words.find((w) => w.word === drive.word)?.corrections ?? [];
  if (fixes.length === 0) return `${word} in no row`;
  return `${word} in no row, read as ${fixes.map((c) => `${quoted(c.word)} (≤${rows(c.rows)})`).join(', ')}`;
}

/** Text the user typed, quoted for the summary: escaped, and cut to 60 characters (a pasted page is not echoed four times). */
function quoted(text: string): string {
  const chars = [...text];
  const shown = chars.length > QUOTED_CHARS ? `${chars.slice(0, QUOTED_CHARS).join('')}…` : text;
  return `"${escapeControlChars(shown)}"`;
}

const QUOTED_CHARS = 60;

const rows = (n: number) => `${n.toLocaleString('en-US')} row${n === 1 ? '' : 's'}`;

function renderHit(hit: SearchHit, color: boolean): string {
  const project = escapeControlChars(hit.projectName);
  const where =
    hit.kind === 'project' ? `project ${hit.id}` : `${hit.kind} ${hit.id}${hit.on ? ` on ${hit.on.kind} ${hit.on.id}` : ''} · ${project}`;
  const head = `${hit.match === 'typo' ? '~' : ' '} ${hit.match.padEnd(6)}  ${where}`;
  return `${color ? DIM + head + RESET : head}  ${mark(hit.text, hit.highlights, color)}`;
}

/** Escapes each piece separately, so the highlight ranges (offsets into the raw text) stay right. */
function mark(text: string, highlights: Range[], color: boolean): string {
  let out = '';
  let at = 0;
  for (const [start, end] of highlights) {
    const hit = escapeControlChars(text.slice(start, end));
    out += escapeControlChars(text.slice(at, start)) + (color ? BOLD_RED + hit + RESET : hit);
    at = end;
  }
  return out + escapeControlChars(text.slice(at));
}

const STRATEGIES: Record<EntitySummary['strategy'], string> = {
  none: 'not read (the lexicon holds no key for some word)',
  index: "index plan (the rarest word's keys drive the keys index)",
  recency: 'recency plan (newest first, stops when the page is full)',
};

/** Per entity, the plan chosen from the lexicon (per word, per class), then each query's plan. */
export function renderPlans(result: SearchResult): string[] {
  const lines: string[] = [];
  for (const e of result.entities) {
    const words = e.words.map(
      (w) =>
        `${escapeControlChars(w.word)}: ${w.rows === null ? 'nothing the lexicon keys' : `≤${w.rows} rows${w.wholeRows !== null ? ` (${w.wholeRows} as a whole word)` : ''}`}${w.corrections?.length ? `, typo → ${w.corrections.map((c) => c.word).join(', ')}` : ''}`,
    );
    lines.push(`-- ${e.kind}s: ${STRATEGIES[e.strategy]}; ${words.join('; ')}`);
    for (const s of e.steps)
      lines.push(`--   class ${s.rank}: ${s.read}${s.estimate !== null ? ` (estimate ${s.estimate})` : ''}, ${s.found} rows`);
  }
  for (const p of result.plans ?? []) {
    lines.push(
      `-- ${p.kind}s, classes ${p.ranks.join(',')}, ${p.read}: ${p.indexUsed ? `uses ${p.index}` : `does NOT use ${p.index}`}`,
      p.plan,
      '',
    );
  }
  return lines;
}
