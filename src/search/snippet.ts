import type { SearchTerm } from './terms.js';
import { similarity } from './trigrams.js';

/** A half-open range [start, end) of UTF-16 offsets into a hit's text. */
export type Range = [number, number];

export interface Snippet {
  text: string;
  highlights: Range[];
}

/** Characters kept on each side of the first match in a comment's snippet. */
const CONTEXT = 60;
/** Below this, a word of the text is too far from every term word to call it the match. */
const FUZZY_HIGHLIGHT = 0.3;

/**
 * The text to show for a hit: a title whole, a body cut around its first match, with
 * whitespace folded so a multi-line comment stays on one line of the terminal.
 */
export function snippet(text: string, term: SearchTerm, fuzzy: boolean, cut: boolean): Snippet {
  const flat = text.replace(/\s+/gu, ' ').trim();
  const ranges = fuzzy ? fuzzyRanges(flat, term) : exactRanges(flat, term);
  if (!cut || flat.length <= 2 * CONTEXT + 40) return { text: flat, highlights: ranges };
  const first = ranges[0]?.[0] ?? 0;
  const start = Math.max(0, wordBoundary(flat, first - CONTEXT, -1));
  const end = Math.min(flat.length, wordBoundary(flat, Math.max(first + CONTEXT, (ranges[0]?.[1] ?? 0) + CONTEXT), 1));
  const prefix = start > 0 ? '…' : '';
  const suffix = end < flat.length ? '…' : '';
  const shift = prefix.length - start;
  const highlights = ranges.filter(([s, e]) => s >= start && e <= end).map(([s, e]): Range => [s + shift, e + shift]);
  return { text: prefix + flat.slice(start, end) + suffix, highlights };
}

/** Every occurrence of every word, case-insensitive; short words only at a word start. */
function exactRanges(text: string, term: SearchTerm): Range[] {
  const lower = text.toLowerCase();
  const ranges: Range[] = [];
  for (const word of term.words) {
    const needle = word.text.toLowerCase();
    // Lower-casing can change a string's length (rare letters): then offsets would lie.
    if (needle.length !== word.text.length || lower.length !== text.length) continue;
    for (let at = lower.indexOf(needle); at !== -1; at = lower.indexOf(needle, at + needle.length)) {
      if (word.mode !== 'word-prefix' || at === 0 || !/[\p{L}\p{N}]/u.test(lower[at - 1]!)) ranges.push([at, at + needle.length]);
    }
  }
  return merge(ranges);
}

/** For each term word, the closest word of the text (a typo match has no literal occurrence). */
function fuzzyRanges(text: string, term: SearchTerm): Range[] {
  const tokens = [...text.matchAll(/[\p{L}\p{N}]+/gu)].map((m): [string, number] => [m[0], m.index]);
  const ranges: Range[] = [];
  for (const word of term.words) {
    let best: [number, Range] | undefined;
    for (const [token, at] of tokens) {
      const score = similarity(word.text, token);
      if (score >= FUZZY_HIGHLIGHT && (!best || score > best[0])) best = [score, [at, at + token.length]];
    }
    if (best) ranges.push(best[1]);
  }
  return merge(ranges);
}

function merge(ranges: Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: Range[] = [];
  for (const range of sorted) {
    const last = out[out.length - 1];
    if (last && range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
    else out.push([range[0], range[1]]);
  }
  return out;
}

/** Moves a cut to the nearest space in `direction`, so no word is shown half. */
function wordBoundary(text: string, at: number, direction: -1 | 1): number {
  if (at <= 0) return 0;
  if (at >= text.length) return text.length;
  const space = direction < 0 ? text.lastIndexOf(' ', at) : text.indexOf(' ', at);
  return space === -1 ? (direction < 0 ? 0 : text.length) : direction < 0 ? space + 1 : space;
}
