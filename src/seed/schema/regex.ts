import type { Random } from '../random.js';

/**
 * A string matching a simple regular expression, for CHECKs like `code ~ '^[A-Z]{3}-\d{4}$'`:
 * literals, `.`, `\d \w \s`, classes with ranges (`[a-z0-9_]`, not negated), groups with `|`,
 * and the quantifiers `? * + {n} {n,m}` (open ends capped at a few repeats). Returns undefined
 * for anything else (lookarounds, backreferences, negated classes); the caller then falls
 * back to generating and testing.
 */
export function sampleRegex(source: string, rnd: Random): string | undefined {
  let draw = samplers.get(source);
  if (draw === undefined) samplers.set(source, (draw = compile(source)));
  return draw?.(rnd);
}

type Sample = (rnd: Random) => string;

/** Each pattern is read once per run into a function that draws from it; null when it is not supported. */
const samplers = new Map<string, Sample | null>();

function compile(source: string): Sample | null {
  const anchoredStart = source.startsWith('^');
  const anchoredEnd = source.endsWith('$') && !source.endsWith('\\$');
  const body = source.slice(anchoredStart ? 1 : 0, anchoredEnd ? -1 : undefined);
  try {
    const parser = new Parser(body);
    const out = parser.alternation();
    return parser.pos === body.length ? out : null;
  } catch {
    return null;
  }
}

const DIGITS = '0123456789';
const WORD = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';

class Unsupported extends Error {}

const oneOf =
  (chars: string | readonly string[]): Sample =>
  (rnd) =>
    chars[rnd.int(0, chars.length - 1)]!;

class Parser {
  pos = 0;
  constructor(private readonly src: string) {}

  alternation(): Sample {
    // Find the top-level alternatives first, then read each.
    const branches: string[] = [];
    let depth = 0;
    let start = this.pos;
    let i = this.pos;
    for (; i < this.src.length; i++) {
      const c = this.src[i];
      if (c === '\\') i++;
      else if (c === '[') i = this.classEnd(i);
      else if (c === '(') depth++;
      else if (c === ')') {
        if (depth === 0) break;
        depth--;
      } else if (c === '|' && depth === 0) {
        branches.push(this.src.slice(start, i));
        start = i + 1;
      }
    }
    branches.push(this.src.slice(start, i));
    const samples = branches.map((branch) => {
      const sub = new Parser(branch);
      const out = sub.sequence();
      if (sub.pos !== branch.length) throw new Unsupported();
      return out;
    });
    this.pos = i;
    return samples.length === 1 ? samples[0]! : (rnd) => samples[rnd.int(0, samples.length - 1)]!(rnd);
  }

  private classEnd(i: number): number {
    let j = i + 1;
    if (this.src[j] === ']') j++;
    while (j < this.src.length && this.src[j] !== ']') j += this.src[j] === '\\' ? 2 : 1;
    return j;
  }

  sequence(): Sample {
    const parts: { atom: Sample; min: number; max: number }[] = [];
    while (this.pos < this.src.length) {
      const atom = this.atom();
      const [min, max] = this.quantifier();
      parts.push({ atom, min, max });
    }
    return (rnd) => {
      let out = '';
      for (const { atom, min, max } of parts) for (let k = min === max ? min : rnd.int(min, max); k > 0; k--) out += atom(rnd);
      return out;
    };
  }

  private atom(): Sample {
    const c = this.src[this.pos++]!;
    if (c === '(') {
      if (this.src[this.pos] === '?') {
        if (this.src.startsWith('?:', this.pos)) this.pos += 2;
        else throw new Unsupported();
      }
      const sub = new Parser(this.src);
      sub.pos = this.pos;
      const group = sub.alternation();
      if (this.src[sub.pos] !== ')') throw new Unsupported();
      this.pos = sub.pos + 1;
      return group;
    }
    if (c === '[') {
      const end = this.classEnd(this.pos - 1);
      const chars = expandClass(this.src.slice(this.pos, end));
      this.pos = end + 1;
      return oneOf(chars);
    }
    if (c === '.') return oneOf(LOWER);
    if (c === '\\') return oneOf(escapeSet(this.src[this.pos++]!));
    if ('*+?{}|)^$'.includes(c)) throw new Unsupported();
    return () => c;
  }

  private quantifier(): [number, number] {
    const c = this.src[this.pos];
    if (c === '?') return (this.pos++, [0, 1]);
    if (c === '*') return (this.pos++, [0, 4]);
    if (c === '+') return (this.pos++, [1, 4]);
    if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.pos));
      if (!m) throw new Unsupported();
      this.pos += m[0].length;
      const min = Number(m[1]);
      const max = m[2] === undefined ? min : m[3] === '' ? min + 4 : Number(m[3]);
      return [min, max];
    }
    return [1, 1];
  }
}

function escapeSet(e: string): string {
  if (e === 'd') return DIGITS;
  if (e === 'w') return WORD;
  if (e === 's') return ' ';
  if (/[a-zA-Z0-9]/.test(e)) throw new Unsupported();
  return e;
}

function expandClass(body: string): string[] {
  if (body.startsWith('^')) throw new Unsupported();
  const out: string[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === '\\') {
      const e = body[++i]!;
      out.push(...escapeSet(e));
      continue;
    }
    if (c === '[' && body.startsWith('[:', i)) {
      const end = body.indexOf(':]', i);
      const name = body.slice(i + 2, end);
      out.push(
        ...(name === 'digit'
          ? DIGITS
          : name === 'alpha'
            ? LOWER + LOWER.toUpperCase()
            : name === 'alnum'
              ? WORD.slice(0, -1)
              : name === 'lower'
                ? LOWER
                : name === 'upper'
                  ? LOWER.toUpperCase()
                  : ''),
      );
      i = end + 1;
      continue;
    }
    if (body[i + 1] === '-' && i + 2 < body.length) {
      const to = body[i + 2]!;
      for (let code = c.charCodeAt(0); code <= to.charCodeAt(0); code++) out.push(String.fromCharCode(code));
      i += 2;
      continue;
    }
    // Whitespace is legal in a class but never what a seed value wants.
    if (c !== ' ') out.push(c);
  }
  if (out.length === 0) throw new Unsupported();
  return out;
}
