import { CODE_POINTS, FONT_WIDTHS } from './font-widths.js';

/**
 * How wide text is drawn in the fonts the SVG names, so the DOT renderer can give every cell
 * room for it. Graphviz compiled to WebAssembly cannot see fonts: it lays text out with its
 * built-in Helvetica widths, while a viewer without Helvetica or Arial draws DejaVu Sans, about
 * 12% wider, and names ran into types and bounds off the edge. So the SVG names its fonts
 * explicitly (SVG_FONT_FAMILY) and each text is measured in the widest of them.
 */

/** What the DOT names: Graphviz knows Helvetica's widths, and `dot` on a desktop resolves it. */
export const DOT_FONT = 'Helvetica';

/** The font-family the SVG gives every text, first choice first; font-widths.ts holds their widths. */
export const SVG_FONT_FAMILY = "Helvetica,Arial,'Liberation Sans','DejaVu Sans',sans-serif";

export type Face = 'regular' | 'bold' | 'italic';

const slot = new Map(CODE_POINTS.map((cp, i) => [cp, i]));

/**
 * The width in points of `text` at `size` points: the larger of the two families' sums (a
 * viewer draws one family). A character outside the table (beyond Latin-1) counts a full em,
 * which no sans-serif letter outside CJK and emoji exceeds.
 */
export function textWidth(text: string, size: number, face: Face = 'regular'): number {
  let widest = 0;
  for (const family of Object.values(FONT_WIDTHS)) {
    let sum = 0;
    for (const char of text) {
      const i = slot.get(char.codePointAt(0)!);
      sum += i === undefined ? 1000 : family[face][i]!;
    }
    widest = Math.max(widest, sum);
  }
  return (widest * size) / 1000;
}
