/**
 * A small seeded PRNG (sfc32). Every table draws from its own stream, derived from the run's
 * seed and the stream's name, so one table's content never depends on how many values
 * another table drew: adding a column to one generator leaves every other table unchanged.
 */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, stream: string) {
    const h = hashString(`${seed}:${stream}`);
    this.a = h[0]!;
    this.b = h[1]!;
    this.c = h[2]!;
    this.d = h[3]!;
    // The first outputs of sfc32 are weakly mixed.
    for (let i = 0; i < 12; i++) this.next();
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    return this.nextUint32() / 4294967296;
  }

  /** An integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** One key of a `weighted()` table, with probability proportional to its weight. */
  weighted<K extends string>(table: WeightTable<K>): K {
    const r = this.next() * table.total;
    for (let i = 0; i < table.keys.length - 1; i++) if (r < table.bounds[i]!) return table.keys[i]!;
    return table.keys[table.keys.length - 1]!;
  }

  /** `count` distinct integers from [0, n), in increasing order. */
  sample(n: number, count: number): number[] {
    const k = Math.min(n, count);
    const chosen = new Set<number>();
    while (chosen.size < k) chosen.add(Math.floor(this.next() * n));
    return [...chosen].sort((x, y) => x - y);
  }

  bytes(size: number): Uint8Array {
    const out = new Uint8Array(size);
    for (let i = 0; i < size; i += 4) {
      let v = this.nextUint32();
      for (let j = i; j < Math.min(i + 4, size); j++) {
        out[j] = v & 0xff;
        v >>>= 8;
      }
    }
    return out;
  }

  /** bytes(size) in hex, drawn the same way without the array between. */
  hex(size: number): string {
    let s = '';
    for (let i = 0; i < size; i += 4) {
      let v = this.nextUint32();
      for (let j = i; j < Math.min(i + 4, size); j++) {
        s += HEX_BYTE[v & 0xff]!;
        v >>>= 8;
      }
    }
    return s;
  }
}

/** Each byte's two hex digits, by value. */
export const HEX_BYTE: readonly string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** cyrb128: four well-mixed 32-bit words from a string. */
function hashString(text: string): number[] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

/** Cumulative weights, computed once: drawing from them is a few comparisons per row. */
export interface WeightTable<K extends string> {
  keys: K[];
  bounds: number[];
  total: number;
}

export function weights<K extends string>(w: Readonly<Record<K, number>>): WeightTable<K> {
  const keys = Object.keys(w) as K[];
  const bounds: number[] = [];
  let total = 0;
  for (const k of keys) bounds.push((total += w[k]));
  return { keys, bounds, total };
}
