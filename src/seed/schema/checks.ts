/**
 * The CHECK constraints people write most, read from `pg_get_constraintdef` (which spells
 * `BETWEEN` as `>= AND <=` and `IN (...)` as `= ANY (ARRAY[...])`): ranges, value lists,
 * length bounds, regular expressions, lower case, multiples, non-empty arrays, JSON objects, and one
 * column ordered after another (or past it by a constant) or different from it, each also when written `x IS NULL OR …`. Anything else is kept as `unparsed`: the load still tries it,
 * and a violation names the constraint with a hint.
 */
export type Bound = { value: number | string; inclusive: boolean };

export interface ColumnRules {
  min?: Bound;
  max?: Bound;
  minLength?: number;
  maxLength?: number;
  /** Allowed values (strings as written, numbers as numbers). */
  oneOf?: (string | number)[];
  patterns: { source: string; flags: string }[];
  lowerCase?: boolean;
  /** `(col % n) = 0`: a whole multiple of n (prices in steps of 5 cents). */
  multipleOf?: number;
  nonEmptyArray?: boolean;
  jsonObject?: boolean;
  /** A range no two rows may overlap (an EXCLUDE constraint's `WITH &&`): readExclusions. */
  disjoint?: boolean;
  /** Constraint names that shaped these rules, for error messages. */
  constraints: string[];
}

/** `column op other (+ offset)`: the column must sort after (or before) another of the same row. */
export interface Relation {
  column: string;
  op: '>' | '>=' | '<' | '<=';
  other: string;
  constraint: string;
  /** `ends_at > starts_at + '01:00:00'::interval`: how far past `other`, see Offset. */
  offset?: Offset;
}

/**
 * A constant added to a column, in the column's unit: a number, or milliseconds for an interval,
 * which may span a range (a month is 28 to 31 days): `low` is its least, `high` its most.
 */
export interface Offset {
  low: number;
  high: number;
}

type Op = Relation['op'];
const FLIPPED: Record<Op, Op> = { '>': '<', '>=': '<=', '<': '>', '<=': '>=' };

/** `column <> other`: two columns of a row must differ (`follower_id <> followed_id`). */
export interface Distinct {
  column: string;
  other: string;
  constraint: string;
}

/** `num_nonnulls(a, b) = 1` (or num_nulls, or <=): how many of these columns a row fills (an exclusive arc). */
export interface NonNullCount {
  columns: string[];
  op: '=' | '<=';
  count: number;
  constraint: string;
}

export interface TableRules {
  columns: Map<string, ColumnRules>;
  relations: Relation[];
  distinct: Distinct[];
  nonNulls: NonNullCount[];
  /** CHECKs (or parts of them) this reader does not understand, by constraint name. */
  unparsed: { constraint: string; expression: string; columns: string[] }[];
}

const IDENT = String.raw`(?:"(?:[^"]|"")+"|[a-z_][a-z0-9_$]*)`;
const OPS = ['>=', '<=', '<>', '>', '<', '='] as const;

export function parseChecks(
  checks: readonly { name: string; definition: string }[],
  columns: readonly string[],
  subject?: string,
): TableRules {
  const rules: TableRules = { columns: new Map(), relations: [], distinct: [], nonNulls: [], unparsed: [] };
  const known = new Set(columns);
  const ruleOf = (column: string, constraint: string) => {
    let r = rules.columns.get(column);
    if (!r) rules.columns.set(column, (r = { patterns: [], constraints: [] }));
    if (!r.constraints.includes(constraint)) r.constraints.push(constraint);
    return r;
  };
  for (const check of checks) {
    const body = /^CHECK \((.*)\)( NOT VALID)?$/s.exec(check.definition.trim())?.[1];
    if (body === undefined) continue;
    for (const part of splitAnd(body)) {
      if (!readPart(stripParens(part), check.name) && !readOrNull(part, check.name)) {
        rules.unparsed.push({
          constraint: check.name,
          expression: part,
          columns: columns.filter((c) => new RegExp(`\\b${escape(c)}\\b`).test(part)),
        });
      }
    }
  }
  return rules;

  function column(text: string): string | undefined {
    const name = unquote(text.trim());
    if (subject !== undefined && /^VALUE(::[a-z ]+)?$/i.test(text.trim())) return subject;
    return known.has(name) ? name : undefined;
  }

  /**
   * `x IS NULL OR <rule>` (`ends_at IS NULL OR ends_at > starts_at`, the way optional columns are
   * checked): values that meet the rule meet the CHECK, whether or not x is left NULL.
   */
  function readOrNull(part: string, name: string): boolean {
    const disjuncts = splitTop(stripParens(part), ' OR ').map(stripParens);
    const isNull = new RegExp(`^(${IDENT}|VALUE) IS NULL$`);
    const rest = disjuncts.filter((d) => !(isNull.test(d) && column(isNull.exec(d)![1]!)));
    return disjuncts.length > 1 && rest.length === 1 && readPart(rest[0]!, name);
  }

  /** `col + 5`, `col - '1 day'::interval`: the column and the constant added to it. */
  function shifted(text: string): { column: string; by: Offset } | undefined {
    const m = new RegExp(`^(${IDENT})(?:::[a-z ]+)? ([+-]) (.+)$`, 's').exec(text);
    const col = m ? column(m[1]!) : undefined;
    const by = col ? offsetOf(m![3]!) : undefined;
    if (!col || !by) return undefined;
    return { column: col, by: m![2] === '-' ? { low: -by.high, high: -by.low } : by };
  }

  function readPart(part: string, name: string): boolean {
    // col = ANY (ARRAY['a'::text, 'b'::text])
    let m = new RegExp(`^\\(?(${IDENT}|VALUE)(?:::[a-z ]+)?\\)? = ANY \\(ARRAY\\[(.*)\\]\\)$`, 's').exec(part);
    if (m && column(m[1]!)) {
      const values = splitTop(m[2]!, ',').map(literal);
      if (values.some((v) => v === undefined)) return false;
      const r = ruleOf(column(m[1]!)!, name);
      r.oneOf = r.oneOf ? r.oneOf.filter((v) => values.includes(v)) : (values as (string | number)[]);
      return true;
    }
    // col ~ 'regex'::text (or ~*)
    m = new RegExp(`^\\(?(${IDENT}|VALUE)(?:::[a-z ]+)?\\)? (~\\*?) '((?:[^']|'')*)'(?:::text)?$`, 's').exec(part);
    if (m && column(m[1]!)) {
      ruleOf(column(m[1]!)!, name).patterns.push({ source: m[3]!.replaceAll("''", "'"), flags: m[2] === '~*' ? 'i' : '' });
      return true;
    }
    // num_nonnulls(a, b) = 1, num_nulls(a, b, c) = 2, num_nonnulls(a, b) <= 1
    m = /^num_(nonnulls|nulls)\((.*)\) (=|<=|<) (\d+)$/s.exec(part);
    if (m) {
      const listed = splitTop(m[2]!, ',').map((c) => column(c));
      if (listed.some((c) => c === undefined)) return false;
      const [nulls, op, n] = [m[1] === 'nulls', m[3]!, Number(m[4])];
      if (nulls && op !== '=') return false;
      const count = nulls ? listed.length - n : op === '<' ? n - 1 : n;
      rules.nonNulls.push({ columns: listed as string[], op: op === '=' ? '=' : '<=', count, constraint: name });
      return count >= 0;
    }
    // jsonb_typeof(col) = 'object'::text
    m = new RegExp(`^jsonb?_typeof\\((${IDENT}|VALUE)\\) = 'object'::text$`).exec(part);
    if (m && column(m[1]!)) return Boolean((ruleOf(column(m[1]!)!, name).jsonObject = true));
    // cardinality(col) > 0
    m = new RegExp(`^(?:cardinality|array_length)\\((${IDENT}|VALUE)(?:, 1)?\\) (>|>=) (\\d+)$`).exec(part);
    if (m && column(m[1]!) && Number(m[3]) <= 1) return Boolean((ruleOf(column(m[1]!)!, name).nonEmptyArray = true));
    // col = lower(col)
    m = new RegExp(`^(${IDENT}|VALUE)(?:::text)? = lower\\((${IDENT}|VALUE)(?:::text)?\\)$`).exec(part);
    if (m && column(m[1]!) && column(m[1]!) === column(m[2]!)) return Boolean((ruleOf(column(m[1]!)!, name).lowerCase = true));
    // col IS NOT NULL
    m = new RegExp(`^(${IDENT}|VALUE) IS NOT NULL$`).exec(part);
    if (m && column(m[1]!)) return true;

    for (const op of OPS) {
      const sides = splitTop(part, ` ${op} `);
      if (sides.length !== 2) continue;
      const [left, right] = sides.map((s) => stripParens(s.trim())) as [string, string];
      // length(col) op n, char_length(col), length(btrim(col))
      const len = new RegExp(`^(?:char_length|length|octet_length)\\((?:btrim\\()?(${IDENT}|VALUE)(?:::text)?\\)?\\)$`).exec(left);
      const n = literal(right);
      if (len && column(len[1]!) && typeof n === 'number') {
        const r = ruleOf(column(len[1]!)!, name);
        if (op === '>=' || op === '>') r.minLength = Math.max(r.minLength ?? 0, op === '>' ? n + 1 : n);
        else if (op === '<=' || op === '<') r.maxLength = Math.min(r.maxLength ?? Infinity, op === '<' ? n - 1 : n);
        else if (op === '=') r.minLength = r.maxLength = n;
        else return false;
        return true;
      }
      // (col % n) = 0
      const modulo = new RegExp(`^(${IDENT}|VALUE) % (.+)$`).exec(left);
      const step = modulo ? literal(modulo[2]!) : undefined;
      if (modulo && column(modulo[1]!) && op === '=' && literal(right) === 0 && typeof step === 'number' && step > 0) {
        ruleOf(column(modulo[1]!)!, name).multipleOf = step;
        return true;
      }
      const lc = column(left.replace(/::[a-z ]+(\(\d+(,\d+)?\))?$/, ''));
      const rc = column(right.replace(/::[a-z ]+(\(\d+(,\d+)?\))?$/, ''));
      if (lc && rc && op === '<>') {
        rules.distinct.push({ column: lc, other: rc, constraint: name });
        return true;
      }
      if (lc && rc && op !== '=' && op !== '<>') {
        rules.relations.push({ column: lc, op, other: rc, constraint: name });
        return true;
      }
      // ends_at > (starts_at + '01:00:00'::interval), or the same written the other way round
      const [right1, left1] = [shifted(right), shifted(left)];
      if (lc && right1 && op !== '=' && op !== '<>') {
        rules.relations.push({ column: lc, op, other: right1.column, constraint: name, offset: right1.by });
        return true;
      }
      if (rc && left1 && op !== '=' && op !== '<>') {
        rules.relations.push({ column: rc, op: FLIPPED[op], other: left1.column, constraint: name, offset: left1.by });
        return true;
      }
      const value = literal(right);
      if (lc && value !== undefined) {
        const r = ruleOf(lc, name);
        if (op === '=') r.oneOf = [value];
        else if (op === '<>') return false;
        else if (op === '>=' || op === '>') r.min = tighter(r.min, { value, inclusive: op === '>=' }, 'min');
        else r.max = tighter(r.max, { value, inclusive: op === '<=' }, 'max');
        return true;
      }
      return false;
    }
    return false;
  }
}

function tighter(old: Bound | undefined, next: Bound, side: 'min' | 'max'): Bound {
  if (!old) return next;
  const cmp = old.value < next.value ? -1 : old.value > next.value ? 1 : 0;
  if (cmp === 0) return old.inclusive && !next.inclusive ? next : old;
  return (side === 'min') === cmp < 0 ? next : old;
}

const DAY_MS = 86_400_000;
/** Days in a unit of an interval's text, least and most. */
const UNIT_DAYS: Record<string, [number, number]> = { year: [365, 366], mon: [28, 31], day: [1, 1] };

/** A number, or an interval as PostgreSQL prints it ('1 day 02:00:00', '1 mon', '-00:30:00'), as an Offset. */
function offsetOf(text: string): Offset | undefined {
  const t = stripParens(text.trim());
  const interval = /^'([^']*)'::interval$/.exec(t)?.[1];
  if (interval === undefined) {
    const n = literal(t);
    return typeof n === 'number' ? { low: n, high: n } : undefined;
  }
  let low = 0;
  let high = 0;
  let rest = interval.trim();
  for (const m of rest.matchAll(/(-?\d+) (year|mon|day)s?/g)) {
    const [least, most] = UNIT_DAYS[m[2]!]!;
    const n = Number(m[1]);
    low += n * (n < 0 ? most : least) * DAY_MS;
    high += n * (n < 0 ? least : most) * DAY_MS;
    rest = rest.replace(m[0], '');
  }
  rest = rest.trim();
  const clock = /^(-?)(\d+):(\d\d):(\d\d(?:\.\d+)?)$/.exec(rest);
  if (clock) {
    const ms = ((Number(clock[2]) * 60 + Number(clock[3])) * 60 + Number(clock[4])) * 1000 * (clock[1] ? -1 : 1);
    low += ms;
    high += ms;
  } else if (rest !== '') return undefined;
  return { low, high };
}

/** A SQL literal as written by pg_get_constraintdef: 5, (-1), 2.5, (1)::numeric, 'text'::text, '2020-01-01'::date. */
function literal(text: string): string | number | undefined {
  const t = stripParens(text.trim());
  const number = /^\(?(-?\d+(?:\.\d+)?)\)?(?:::[a-z ]+)?$/.exec(t);
  if (number) return Number(number[1]);
  const m = /^'((?:[^']|'')*)'(?:::[a-z ]+(?:\(\d+(?:,\d+)?\))?)?$/s.exec(t);
  if (!m) return undefined;
  const value = m[1]!.replaceAll("''", "'");
  return /::(integer|bigint|smallint|numeric|real|double precision)/.test(t) && /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
}

/**
 * EXCLUDE constraints: a column compared `WITH &&` (`EXCLUDE USING gist (room WITH =, during WITH &&)`,
 * no room booked twice at once) is marked `disjoint`, and its ranges then overlap no other row's,
 * which meets the constraint whatever its other elements say. An EXCLUDE without one is kept as
 * `unparsed`, for the server to judge, as an unread CHECK is.
 */
export function readExclusions(
  rules: TableRules,
  exclusions: readonly { name: string; definition: string }[],
  columns: readonly string[],
): TableRules {
  const known = new Set(columns);
  for (const exclusion of exclusions) {
    const definition = exclusion.definition.trim();
    const open = definition.indexOf('(');
    const inner = open < 0 ? '' : definition.slice(open + 1, open + closes(definition.slice(open)));
    const overlaps = splitTop(inner, ',')
      .map((element) => new RegExp(`^(${IDENT})(?: [a-z_.]+)? WITH &&$`).exec(element)?.[1])
      .map((name) => (name === undefined ? undefined : unquote(name)))
      .filter((name): name is string => name !== undefined && known.has(name));
    if (overlaps.length === 0) {
      rules.unparsed.push({
        constraint: exclusion.name,
        expression: definition,
        columns: columns.filter((c) => new RegExp(`\\b${escape(c)}\\b`).test(inner)),
      });
      continue;
    }
    for (const name of overlaps) {
      const r = rules.columns.get(name) ?? { patterns: [], constraints: [] };
      r.disjoint = true;
      if (!r.constraints.includes(exclusion.name)) r.constraints.push(exclusion.name);
      rules.columns.set(name, r);
    }
  }
  return rules;
}

function unquote(name: string): string {
  return name.startsWith('"') ? name.slice(1, -1).replaceAll('""', '"') : name;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function stripParens(text: string): string {
  let t = text.trim();
  while (t.startsWith('(') && t.endsWith(')') && closes(t) === t.length - 1) t = t.slice(1, -1).trim();
  return t;
}

/** Index of the parenthesis that closes the one at 0 (quotes respected). */
function closes(text: string): number {
  let depth = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'") quoted = !quoted;
    if (quoted) continue;
    if (c === '(') depth++;
    if (c === ')' && --depth === 0) return i;
  }
  return -1;
}

function splitAnd(text: string): string[] {
  return splitTop(stripParens(text), ' AND ');
}

/** Splits on `sep` where it is outside parentheses, brackets and quotes. */
function splitTop(text: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "'") quoted = !quoted;
    if (quoted) continue;
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (depth === 0 && text.startsWith(sep, i)) {
      out.push(text.slice(start, i));
      start = i + sep.length;
      i += sep.length - 1;
    }
  }
  out.push(text.slice(start));
  return out.map((s) => s.trim());
}
