import type { SearchTerm, TermWord } from './terms.js';

/** A half-open range [start, end) of UTF-16 offsets into a hit's text. */
export type Range = [number, number];

export interface Snippet {
  text: string;
  highlights: Range[];
}

/** Characters kept on each side of the first match in a comment's snippet. */
const CONTEXT = 60;

/**
 * The text to show for a hit: a title whole, a body cut around its first match, with
 * whitespace folded so a multi-line comment stays on one line of the terminal. A typo match
 * marks the lexicon words it was corrected to (`corrections`).
 */
export function snippet(text: string, term: SearchTerm, corrections: readonly string[], cut: boolean): Snippet {
  const flat = text.replace(/\s+/gu, ' ').trim();
  const words: TermWord[] = [...term.words, ...corrections.map((c): TermWord => ({ text: c, mode: 'substring', fuzzy: null }))];
  const ranges = exactRanges(flat, words);
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
function exactRanges(text: string, words: readonly TermWord[]): Range[] {
  const lower = text.toLowerCase();
  const ranges: Range[] = [];
  for (const word of words) {
    const needle = word.text.toLowerCase();
    // Lower-casing can change a string's length (rare letters): then offsets would lie.
    if (needle.length !== word.text.length || lower.length !== text.length) continue;
    for (let at = lower.indexOf(needle); at !== -1; at = lower.indexOf(needle, at + needle.length)) {
      if (word.mode !== 'word-prefix' || at === 0 || !/[\p{L}\p{N}]/u.test(lower[at - 1]!)) ranges.push([at, at + needle.length]);
    }
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
