import { textWidth, type Face } from '../../src/erd/text-width.js';

/**
 * Where each text of a Graphviz SVG lands, measured in the fonts the SVG names: every text's
 * box (from its anchor, its font size and face, and text-width.ts) must lie inside the cell that
 * holds it (the smallest rectangle of its node around its anchor), texts on one line of a node
 * must not overlap, edge labels must not cover a node, and cluster labels must stay inside their
 * cluster. Returns one line per text that does not fit.
 */
export interface Rect {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

interface Text {
  content: string;
  box: Rect;
  anchor: { x: number; y: number };
}

interface Segment {
  kind: 'node' | 'edge' | 'cluster';
  name: string;
  rects: Rect[];
  texts: Text[];
}

const SLACK = 0.01;

export function textOverflows(svg: string, fontFamily: string): string[] {
  const segments = split(svg, fontFamily);
  const problems: string[] = [];
  const nodes = segments.filter((s) => s.kind === 'node');
  for (const segment of segments) {
    if (segment.kind === 'node') {
      for (const text of segment.texts) {
        const cell = smallestAround(segment.rects, text.anchor);
        if (!cell) problems.push(`${segment.name}: "${text.content}" is outside every cell`);
        else if (!inside(text.box, cell))
          problems.push(`${segment.name}: "${text.content}" spans x ${span(text.box)}, its cell x ${span(cell)}`);
      }
      const lines = new Map<number, Text[]>();
      for (const text of segment.texts) lines.set(text.anchor.y, [...(lines.get(text.anchor.y) ?? []), text]);
      for (const line of lines.values()) {
        const sorted = [...line].sort((a, b) => a.box.x0 - b.box.x0);
        for (let i = 1; i < sorted.length; i++)
          if (sorted[i]!.box.x0 < sorted[i - 1]!.box.x1 - SLACK)
            problems.push(`${segment.name}: "${sorted[i - 1]!.content}" runs into "${sorted[i]!.content}"`);
      }
    }
    if (segment.kind === 'edge') {
      for (const text of segment.texts)
        for (const node of nodes)
          if (node.rects.length > 0 && overlaps(text.box, outline(node.rects)))
            problems.push(`edge ${segment.name}: label "${text.content}" covers ${node.name}`);
    }
    if (segment.kind === 'cluster') {
      for (const text of segment.texts)
        if (segment.rects.length === 0 || !inside(text.box, outline(segment.rects)))
          problems.push(`cluster ${segment.name}: label "${text.content}" leaves its box`);
    }
  }
  return problems;
}

/** The SVG's node, edge and cluster groups, each with its rectangles and measured texts. */
function split(svg: string, fontFamily: string): Segment[] {
  const starts = [...svg.matchAll(/<g id="(?:node|edge|clust)\d+" class="(node|edge|cluster)">\s*<title>([^<]*)<\/title>/g)];
  return starts.map((start, i) => {
    const body = svg.slice(start.index, starts[i + 1]?.index ?? svg.length);
    const rects = [...body.matchAll(/<(?:polygon|path)\b[^>]*?(?:points|d)="([^"]+)"/g)].map((m) => bounds(m[1]!)).filter(isRect);
    const texts = [...body.matchAll(/<text\b([^>]*)>([^<]*)<\/text>/g)].map((m) => measure(m[1]!, unescape(m[2]!), fontFamily));
    return { kind: start[1] as Segment['kind'], name: unescape(start[2]!), rects, texts };
  });
}

function measure(attributes: string, content: string, fontFamily: string): Text {
  const attr = (name: string) => new RegExp(`\\b${name}="([^"]*)"`).exec(attributes)?.[1];
  if (attr('font-family') !== fontFamily)
    throw new Error(`"${content}" is drawn in ${attr('font-family')}, not the fonts it was measured for`);
  const size = Number(attr('font-size'));
  const face: Face = attr('font-weight') === 'bold' ? 'bold' : attr('font-style') === 'italic' ? 'italic' : 'regular';
  const width = textWidth(content, size, face);
  const x = Number(attr('x'));
  const y = Number(attr('y'));
  const anchor = attr('text-anchor') ?? 'start';
  const x0 = anchor === 'middle' ? x - width / 2 : anchor === 'end' ? x - width : x;
  return { content, anchor: { x, y: y - size / 3 }, box: { x0, x1: x0 + width, y0: y - size * 0.8, y1: y + size * 0.2 } };
}

function bounds(points: string): Rect | null {
  const numbers = points.match(/-?\d+(?:\.\d+)?/g)?.map(Number) ?? [];
  if (numbers.length < 8) return null;
  const xs = numbers.filter((_, i) => i % 2 === 0);
  const ys = numbers.filter((_, i) => i % 2 === 1);
  return { x0: Math.min(...xs), x1: Math.max(...xs), y0: Math.min(...ys), y1: Math.max(...ys) };
}

function isRect(rect: Rect | null): rect is Rect {
  return rect !== null && rect.x1 - rect.x0 > 1 && rect.y1 - rect.y0 > 1;
}

function smallestAround(rects: Rect[], point: { x: number; y: number }): Rect | undefined {
  return rects
    .filter((r) => point.x >= r.x0 - SLACK && point.x <= r.x1 + SLACK && point.y >= r.y0 && point.y <= r.y1)
    .sort((a, b) => (a.x1 - a.x0) * (a.y1 - a.y0) - (b.x1 - b.x0) * (b.y1 - b.y0))[0];
}

function outline(rects: Rect[]): Rect {
  return {
    x0: Math.min(...rects.map((r) => r.x0)),
    x1: Math.max(...rects.map((r) => r.x1)),
    y0: Math.min(...rects.map((r) => r.y0)),
    y1: Math.max(...rects.map((r) => r.y1)),
  };
}

function inside(box: Rect, cell: Rect): boolean {
  return box.x0 >= cell.x0 - SLACK && box.x1 <= cell.x1 + SLACK;
}

function overlaps(a: Rect, b: Rect): boolean {
  return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;
}

function span(r: Rect): string {
  return `${r.x0.toFixed(1)}..${r.x1.toFixed(1)}`;
}

function unescape(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code)))
    .replace(/&#x([0-9a-f]+);/gi, (_, code: string) => String.fromCodePoint(parseInt(code, 16)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}
