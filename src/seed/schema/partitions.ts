import type { TableModel } from '../../catalog/index.js';
import type { Random } from '../random.js';
import { DAY, REF } from '../time.js';
import type { SchemaTable } from './layout.js';
import { timeFormat, type Value } from './values.js';

/**
 * Where a partitioned table's rows must land: COPY into the table routes each row to the
 * partition whose bounds take it, and fails on a row none takes. With a DEFAULT partition (or
 * HASH partitioning) any value lands; otherwise the partition key's column is drawn inside
 * the bounds of a partition picked at random: a value of a LIST, a moment of a RANGE.
 */
export type Placement =
  | { column: string; base: string; kind: 'list'; values: string[] }
  | { column: string; base: string; kind: 'range'; ranges: [string | null, string | null][] };

export function placement(table: TableModel, entry: SchemaTable, problems: string[]): Placement | null {
  if (table.kind !== 'partitioned table' || !table.partitionKey) return null;
  const top = table.partitions.filter((p) => p.parent === table.name);
  if (top.some((p) => p.bound === 'DEFAULT')) return null;
  const key = /^(RANGE|LIST|HASH) \(("(?:[^"]|"")+"|[a-z_][a-z0-9_$]*)\)$/.exec(table.partitionKey);
  if (key?.[1] === 'HASH') return null;
  const column = key ? (key[2]!.startsWith('"') ? key[2]!.slice(1, -1).replaceAll('""', '"') : key[2]!) : undefined;
  const spec = entry.values.find((v) => v.name === column);
  if (!key || !spec || top.length === 0) {
    problems.push(
      `${entry.label} is partitioned by ${table.partitionKey}, and devdb places rows only by a column it fills itself (not a key, an id or an expression): add a DEFAULT partition, or leave ${entry.label} empty ("empty": true in the seed file).`,
    );
    return null;
  }
  if (key[1] === 'LIST') {
    const values = top
      .flatMap((p) => splitLiterals(/^FOR VALUES IN \((.*)\)$/s.exec(p.bound)?.[1] ?? ''))
      .filter((v): v is string => v !== null);
    return { column: spec.name, base: spec.facts.base, kind: 'list', values };
  }
  const ranges = top.flatMap((p) => {
    const m = /^FOR VALUES FROM \((.*)\) TO \((.*)\)$/s.exec(p.bound);
    return m ? [[splitLiterals(m[1]!)[0] ?? null, splitLiterals(m[2]!)[0] ?? null] as [string | null, string | null]] : [];
  });
  return { column: spec.name, base: spec.facts.base, kind: 'range', ranges };
}

/** A value of the partition key's column that some partition takes. */
export function placedValue(p: Placement, rnd: Random): Value {
  if (p.kind === 'list') return p.values[rnd.int(0, p.values.length - 1)]!;
  const [from, to] = p.ranges[rnd.int(0, p.ranges.length - 1)]!;
  if (['date', 'timestamp', 'timestamptz'].includes(p.base)) {
    const lo = from === null ? REF - 365 * DAY : Date.parse(from);
    const hi = to === null ? Math.max(lo, REF) + DAY : Date.parse(to);
    // TO is exclusive: stay a day (or a second) short of it.
    const room = Math.max(0, hi - lo - (p.base === 'date' ? DAY : 1000));
    return timeFormat(p.base)(lo + Math.floor(rnd.next() * room));
  }
  const lo = from === null ? Number(to) - 1000 : Number(from);
  const hi = to === null ? lo + 1000 : Number(to);
  if (/^int[248]$/.test(p.base)) return rnd.int(lo, Math.max(lo, hi - 1));
  if (['numeric', 'float4', 'float8'].includes(p.base)) return Number((lo + rnd.next() * (hi - lo) * 0.999).toFixed(2));
  return from;
}

/** `'eu', 'us', NULL` or `MINVALUE` as written by pg_get_expr: the literals, NULL and MINVALUE/MAXVALUE as null. */
function splitLiterals(text: string): (string | null)[] {
  const out: (string | null)[] = [];
  const re = /'((?:[^']|'')*)'(?:::[a-z ]+)?|(-?\d+(?:\.\d+)?)|(NULL|MINVALUE|MAXVALUE)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.push(m[1] !== undefined ? m[1].replaceAll("''", "'") : (m[2] ?? null));
  return out;
}
