import type { Random } from '../random.js';

/**
 * A string matching a simple regular expression, for CHECKs like `code ~ '^[A-Z]{3}-\d{4}$'`:
 * literals, `.`, `\d \w \s`, classes with ranges (`[a-z0-9_]`, not negated), groups with `|`,
 * and the quantifiers `? * + {n} {n,m}` (open ends capped at a few repeats). Returns undefined
 * for anything else (lookarounds, backreferences, negated classes); the caller then falls
 * back to generating and testing.
 */
export function sampleRegex(source: string, rnd: Random): string | undefined {
  const anchoredStart = source.startsWith('^');
  const anchoredEnd = source.endsWith('$') && !source.endsWith('\\$');
  const body = source.slice(anchoredStart ? 1 : 0, anchoredEnd ? -1 : undefined);
  try {
    const parser = new Parser(body, rnd);
    const out = parser.alternation();
    if (parser.pos !== body.length) return undefined;
    return out;
  } catch {
    return undefined;
  }
}

const DIGITS = '0123456789';
const WORD = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';

class Unsupported extends Error {}

class Parser {
  pos = 0;
  constructor(
    private readonly src: string,
    private readonly rnd: Random,
  ) {}

  alternation(): string {
    // Find the top-level alternatives first, then generate one of them.
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
    const pick = this.rnd.int(0, branches.length - 1);
    const sub = new Parser(branches[pick]!, this.rnd);
    const out = sub.sequence();
    if (sub.pos !== branches[pick]!.length) throw new Unsupported();
    this.pos = i;
    return out;
  }

  private classEnd(i: number): number {
    let j = i + 1;
    if (this.src[j] === ']') j++;
    while (j < this.src.length && this.src[j] !== ']') j += this.src[j] === '\\' ? 2 : 1;
    return j;
  }

  sequence(): string {
    let out = '';
    while (this.pos < this.src.length) {
      const atom = this.atom();
      const [min, max] = this.quantifier();
      const n = this.rnd.int(min, max);
      for (let k = 0; k < n; k++) out += atom();
    }
    return out;
  }

  private atom(): () => string {
    const c = this.src[this.pos++]!;
    if (c === '(') {
      if (this.src[this.pos] === '?') {
        if (this.src.startsWith('?:', this.pos)) this.pos += 2;
        else throw new Unsupported();
      }
      const start = this.pos;
      const sub = new Parser(this.src, this.rnd);
      sub.pos = start;
      sub.alternation();
      const end = sub.pos;
      if (this.src[end] !== ')') throw new Unsupported();
      const inner = this.src.slice(start, end);
      this.pos = end + 1;
      return () => {
        const p = new Parser(inner, this.rnd);
        return p.alternation();
      };
    }
    if (c === '[') {
      const end = this.classEnd(this.pos - 1);
      const chars = expandClass(this.src.slice(this.pos, end));
      this.pos = end + 1;
      return () => chars[this.rnd.int(0, chars.length - 1)]!;
    }
    if (c === '.') return () => LOWER[this.rnd.int(0, LOWER.length - 1)]!;
    if (c === '\\') {
      const e = this.src[this.pos++]!;
      const set = escapeSet(e);
      return () => set[this.rnd.int(0, set.length - 1)]!;
    }
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
