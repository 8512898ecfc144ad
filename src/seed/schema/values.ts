import type { ColumnFacts } from '../../catalog/column-facts.js';
import { isPlainCopyValue } from '../../db/copy.js';
import { DevdbError } from '../../errors.js';
import type { ProfileValue } from '../profile.js';
import { HEX_BYTE, type Random } from '../random.js';
import { DAY, HOUR, MINUTE, REF, iso, isoDate } from '../time.js';
import type { ColumnRules } from './checks.js';
import { NAMED, nameKey, namedFor, type NamedGenerator } from './named.js';
import type { Pools } from './pools.js';
import { sampleRegex } from './regex.js';

/** What the schema-driven layer knows about one column it fills. */
export interface ColumnSpec {
  /** The table as people name it (`orders`, or `sales.orders` outside the first schema). */
  table: string;
  name: string;
  facts: ColumnFacts;
  nullable: boolean;
  rules: ColumnRules;
  /** The column alone is UNIQUE (a composite key is checked by the table). */
  unique: boolean;
  /** The profile's value set, when it gives one (one value: a fixed value). */
  values: ProfileValue[] | undefined;
  /** The profile's named generator (seed file "generators"), when it names one. */
  generator: string | undefined;
}

/** A value in JS form: copyValue turns it into COPY text (null is NULL, arrays become `{...}`). */
export type Value = string | number | boolean | null | Value[];

/** What a column's values may draw on besides their own random stream. */
export interface ValueContext {
  /** The run's faker values (src/seed/schema/pools.ts). */
  pools: Pools;
  /** The development password's hash, made once per run when some column asks for it. */
  passwordHash: string;
}

/**
 * One column's values: `next()` draws one valid value per call, or undefined when a unique
 * NOT NULL column has run out of new values (the row is then left out, as a colliding composite key is);
 * `label` says how, for `seed --dry-run`.
 */
export interface ColumnGenerator {
  label: string;
  next(): Value | undefined;
  /**
   * Every value it draws is NULL, a number, a boolean or a text without a character COPY escapes
   * (times, uuids, an enum's labels): the row loop writes it to COPY as it is, without copyValue's
   * scan of each text.
   */
  plain: boolean;
  /** Every value it draws is NULL or a number (an integer or decimal type, not a list): a unique set keys it by the number. */
  numeric: boolean;
}

const RETRIES = 25;

type Draw = (attempt: number) => Value;
/** One supported base type: how its values are drawn, and what `--dry-run` calls that. */
interface TypeGenerator {
  label: (spec: ColumnSpec) => string;
  make: (spec: ColumnSpec, rnd: Random, ctx: ValueContext) => Draw;
}

/**
 * A function that draws one valid value of the column per call: from the profile's values or
 * named generator, the CHECK's list or the enum's labels when there are any, otherwise from
 * the column's name (faker, for realism) and type, shaped to the ranges, lengths and patterns
 * of its CHECKs. A drawn value that still breaks a rule is drawn again a bounded number of
 * times, then the column is reported with the constraint and the profile entry that fixes it.
 */
export function columnGenerator(spec: ColumnSpec, rnd: Random, ctx: ValueContext): ColumnGenerator {
  const draw = drawer(spec, rnd, ctx);
  const valid = validator(spec);
  const numeric = numericColumn(spec);
  // Numbers by themselves (a Set tells them apart as String() does), anything else by its text.
  const seen = spec.unique ? new Set<unknown>() : undefined;
  const key = numeric ? (value: Value) => value : textKey;
  const suffixed = !spec.values && !spec.rules.oneOf && !spec.facts.labels;
  // Most columns have no rule and no UNIQUE: the loop below would keep their first draw (a NULL
  // is returned as drawn), so it is skipped, validator call and all, with the same draws.
  const free = !seen && hasNoRules(spec);
  return {
    label: describeColumn(spec),
    plain: plainColumn(spec),
    numeric,
    next() {
      if (free) return draw(0);
      let collided = false;
      for (let attempt = 0; attempt < RETRIES; attempt++) {
        let value = draw(attempt);
        if (value === null) return null;
        if (seen?.has(key(value))) {
          collided = true;
          // Past the first tries, a suffix keeps a unique text or number column unique.
          if (attempt < 5 || !suffixed) continue;
          value = typeof value === 'number' ? value + seen.size : typeof value === 'string' ? uniqueSuffix(value, seen.size, spec) : value;
        }
        if (!valid(value) || seen?.has(key(value))) continue;
        seen?.add(key(value));
        return value;
      }
      // Every new value was taken (two-letter codes, a short list): NULL where the column allows it (UNIQUE
      // lets NULLs repeat), else fewer rows, not a failed seed.
      if (collided) return spec.nullable ? null : undefined;
      throw unsatisfiable(spec);
    },
  };
}

/** Base types whose values (as the TYPES below draw them) never hold a backslash, tab, newline or carriage return. */
const PLAIN_TYPES = new Set([
  'bool',
  'int2',
  'int4',
  'int8',
  'numeric',
  'float4',
  'float8',
  'money',
  'date',
  'timestamp',
  'timestamptz',
  'time',
  'timetz',
  'interval',
  'uuid',
  'inet',
  'cidr',
  'macaddr',
  'int4range',
  'int8range',
  'numrange',
  'daterange',
  'tsrange',
  'tstzrange',
]);

const NUMERIC_TYPES = new Set(['int2', 'int4', 'int8', 'numeric', 'float4', 'float8', 'money']);

/** Whether the column's values are all numbers (ColumnGenerator.numeric): TYPES draws them, no list or named generator. */
function numericColumn(spec: ColumnSpec): boolean {
  return (
    !spec.values && !spec.generator && !spec.rules.oneOf && !spec.facts.labels && !spec.facts.element && NUMERIC_TYPES.has(spec.facts.base)
  );
}

/**
 * Whether the column's values are plain (ColumnGenerator.plain): a list's (the seed file's, the
 * CHECK's, the enum's) when each of its values is, a type's when TYPES draws it from digits and
 * punctuation only. Text of every other kind (names, words, a pattern's sample) and arrays are not.
 */
function plainColumn(spec: ColumnSpec): boolean {
  if (spec.values) return spec.values.every(isPlainCopyValue);
  if (spec.generator) return false;
  const list = spec.rules.oneOf ?? spec.facts.labels;
  if (list) return list.every(isPlainCopyValue);
  return !spec.facts.element && PLAIN_TYPES.has(spec.facts.base);
}

/**
 * Draws a few values with a throwaway stream before anything is written: a column whose
 * rules no value can meet (`CHECK (n > 10 AND n < 5)`, a pattern the sampler cannot follow)
 * is named here, with its table and constraint, instead of failing halfway through a load.
 */
export function probeColumn(spec: ColumnSpec, rnd: Random, ctx: ValueContext): string | null {
  try {
    const generator = columnGenerator({ ...spec, unique: false }, rnd, ctx);
    for (let i = 0; i < 5; i++) generator.next();
    return null;
  } catch (error) {
    if (error instanceof DevdbError) return error.message;
    throw error;
  }
}

export function unsatisfiable(spec: ColumnSpec, constraint?: string): DevdbError {
  const names =
    constraint ??
    (spec.rules.constraints.length > 0 ? spec.rules.constraints.join(', ') : spec.unique ? 'its UNIQUE constraint' : 'its type');
  return new DevdbError(
    'E_INVALID',
    `Cannot seed ${spec.table}.${spec.name}: no generated value satisfies ${names} after ${RETRIES} tries. Give the column its values in the seed file: "tables": { "${spec.table}": { "values": { "${spec.name}": [ ... ] } } }.`,
    { details: { table: spec.table, column: spec.name, constraint: names } },
  );
}

const textKey = (v: Value) => (Array.isArray(v) ? JSON.stringify(v) : String(v));

const compiled = new Map<string, RegExp>();
/** A CHECK's pattern, compiled once per run rather than once per value. */
function regex(p: { source: string; flags: string }): RegExp {
  const id = `${p.flags}/${p.source}`;
  let re = compiled.get(id);
  if (!re) compiled.set(id, (re = new RegExp(p.source, p.flags)));
  return re;
}

/** Length in characters as PostgreSQL counts them (code points), without copying an ASCII string. */
function length(s: string): number {
  return /[\uD800-\uDFFF]/.test(s) ? [...s].length : s.length;
}

/**
 * Whether `s` has from `min` to `max` characters as length() counts them. A code point is one or
 * two UTF-16 units, so s.length and half of it bound the count: most values are decided by
 * s.length alone, without the scan for surrogates.
 */
function lengthWithin(s: string, min: number, max: number): boolean {
  const units = s.length;
  if (units <= max && (units + 1) >> 1 >= min) return true;
  const chars = length(s);
  return chars >= min && chars <= max;
}

function uniqueSuffix(value: string, n: number, spec: ColumnSpec): string {
  const max = spec.rules.maxLength ?? spec.facts.length ?? Infinity;
  const suffix = `-${n}`;
  if (value.includes('@')) return value.replace('@', `${suffix}@`);
  return value.length + suffix.length <= max ? value + suffix : value.slice(0, Math.max(0, max - suffix.length)) + suffix;
}

/**
 * The column's rules as one function, built once per column: a value is checked only against
 * the rules the column has (most have none or one), not every rule's absence per value.
 */
export function validator(spec: ColumnSpec): (value: Value) => boolean {
  const r = spec.rules;
  const checks: ((value: string | number | boolean) => boolean)[] = [];
  if (r.oneOf) {
    const allowed = new Set(r.oneOf.map(String));
    checks.push((v) => allowed.has(String(v)));
  }
  const { min, max } = r;
  if (min) checks.push((v) => typeof v === 'boolean' || above(v, min.value, min.inclusive));
  if (max) checks.push((v) => typeof v === 'boolean' || above(max.value, v, max.inclusive));
  const maxLength = Math.min(r.maxLength ?? Infinity, spec.facts.length ?? Infinity);
  const minLength = r.minLength ?? 0;
  if (minLength > 0 || maxLength < Infinity) {
    checks.push((v) => typeof v !== 'string' || lengthWithin(v, minLength, maxLength));
  }
  if (r.lowerCase) checks.push((v) => typeof v !== 'string' || v === v.toLowerCase());
  for (const p of r.patterns) {
    const re = regex(p);
    checks.push((v) => typeof v !== 'string' || re.test(v));
  }
  const { nullable } = spec;
  const nonEmpty = r.nonEmptyArray === true;
  return (value) => {
    if (value === null) return nullable;
    if (Array.isArray(value)) return !nonEmpty || value.length > 0;
    // An index, not for-of: the iterator's property reads had no feedback from columns without
    // checks, and optimised code meeting one deoptimised the row loop it was inlined into.
    for (let i = 0; i < checks.length; i++) if (!checks[i]!(value)) return false;
    return true;
  };
}

/** True when `validator(spec)` has no check to run: it accepts every value that is not NULL. */
function hasNoRules(spec: ColumnSpec): boolean {
  const r = spec.rules;
  const maxLength = Math.min(r.maxLength ?? Infinity, spec.facts.length ?? Infinity);
  return (
    !r.oneOf &&
    !r.min &&
    !r.max &&
    !r.lowerCase &&
    r.patterns.length === 0 &&
    r.nonEmptyArray !== true &&
    !((r.minLength ?? 0) > 0) &&
    maxLength === Infinity
  );
}

function above(a: number | string, b: number | string, inclusive: boolean): boolean {
  const [x, y] = typeof a === 'number' && typeof b === 'number' ? [a, b] : [String(a), String(b)];
  return inclusive ? x >= y : x > y;
}

/** How a column is filled, in a few words (`enum order_status`, `email`, `int4 in [1, 5]`). */
export function describeColumn(spec: ColumnSpec): string {
  if (spec.values) return spec.values.length === 1 ? `fixed ${JSON.stringify(spec.values[0])}` : `one of ${spec.values.length} values`;
  if (spec.generator) return spec.generator;
  if (spec.rules.oneOf) return `one of ${spec.rules.oneOf.length} values (CHECK)`;
  if (spec.facts.labels) return `enum ${spec.facts.base}`;
  if (spec.facts.element) return `array of ${describeColumn(elementSpec(spec))}`;
  return TYPES[spec.facts.base]?.label(spec) ?? spec.facts.base;
}

/** When a row was deleted, archived, cancelled...: most rows never are, so such a column is mostly NULL. */
const RARE_EVENT = /^(deleted|archived|cancell?ed|revoked|banned|suspended|disabled|closed|removed|blocked|locked|failed)_(at|on|date)$/;

function drawer(spec: ColumnSpec, rnd: Random, ctx: ValueContext): Draw {
  const { facts, rules } = spec;
  const nullChance = spec.nullable ? (RARE_EVENT.test(nameKey(spec.name)) ? 0.85 : 0.1) : 0;
  // A column that is never NULL keeps its drawer as it is, without a wrapper per value.
  const orNull = (fn: Draw): Draw => (nullChance > 0 ? (attempt) => (attempt === 0 && rnd.chance(nullChance) ? null : fn(attempt)) : fn);
  if (spec.values) {
    const list = spec.values;
    return () => list[rnd.int(0, list.length - 1)] as Value;
  }
  if (spec.generator) return orNull(text(spec, rnd, ctx, NAMED[spec.generator]!));
  const list = rules.oneOf ?? facts.labels;
  if (list) return orNull(() => list[rnd.int(0, list.length - 1)] as Value);
  if (facts.element) {
    const one = drawer({ ...elementSpec(spec), nullable: false }, rnd, ctx);
    return orNull((attempt) => Array.from({ length: rnd.int(1, 3) }, () => one(attempt)));
  }
  const type = TYPES[facts.base];
  if (!type) {
    return () => {
      throw new DevdbError(
        'E_INVALID',
        `Cannot seed ${spec.table}.${spec.name}: devdb does not generate values of type ${facts.base}. Give the column its values in the seed file ("tables": { "${spec.table}": { "values": { "${spec.name}": [ ... ] } } }), or a default.`,
        { details: { table: spec.table, column: spec.name, type: facts.base } },
      );
    };
  }
  return orNull(type.make(spec, rnd, ctx));
}

function elementSpec(spec: ColumnSpec): ColumnSpec {
  const { facts } = spec;
  return {
    ...spec,
    facts: { ...facts, ...facts.element!, element: null, domain: null, domainChecks: [], domainNotNull: false },
    rules: { patterns: [], constraints: [] },
    unique: false,
    values: undefined,
    generator: undefined,
  };
}

/** True when this layer can make values of the column's type without a profile's help. */
export function generatesType(facts: ColumnFacts): boolean {
  if (facts.labels || facts.element?.labels) return true;
  return (facts.element ? facts.element.base : facts.base) in TYPES;
}

const INT_RANGE: Record<string, [number, number]> = { int2: [-32768, 32767], int4: [-2147483648, 2147483647], int8: [-(2 ** 53), 2 ** 53] };

const integers: TypeGenerator = {
  label: (spec) => {
    const [lo, hi] = numericBounds(spec, INT_RANGE[spec.facts.base]!, 1, typicalInt(nameKey(spec.name)));
    const step = spec.rules.multipleOf;
    return `${spec.facts.base} in [${lo}, ${hi}]${step ? `, multiples of ${step}` : ''}`;
  },
  make: (spec, rnd) => {
    const [lo, hi] = numericBounds(spec, INT_RANGE[spec.facts.base]!, 1, typicalInt(nameKey(spec.name)));
    const step = spec.rules.multipleOf;
    if (!step || Math.ceil(lo / step) > Math.floor(hi / step)) return () => rnd.int(lo, hi);
    const [from, to] = [Math.ceil(lo / step), Math.floor(hi / step)];
    return () => rnd.int(from, to) * step;
  },
};

const decimals: TypeGenerator = {
  label: (spec) => `${spec.facts.base} in [${decimalBounds(spec).join(', ')}]`,
  make: (spec, rnd) => {
    const scale = spec.facts.scale ?? 2;
    const [lo, hi] = decimalBounds(spec);
    const step = spec.rules.multipleOf;
    if (step && Math.ceil(lo / step) <= Math.floor(hi / step)) {
      const [from, to] = [Math.ceil(lo / step), Math.floor(hi / step)];
      return () => toScale(rnd.int(from, to) * step, scale);
    }
    return () => toScale(lo + rnd.next() * (hi - lo), scale);
  },
};

const POW10 = Array.from({ length: 16 }, (_, i) => 10 ** i);

/**
 * Number(x.toFixed(scale)), exactly, without the text between. toFixed rounds the exact value of
 * x times 10^scale to an integer n (a tie upwards in magnitude) and the text reads back as the
 * double nearest n / 10^scale, which is what the division gives. Below 2^40 the product's
 * rounding error is under 10^-4, so Math.round finds the same n unless x lies within 10^-3 of a
 * tie, which goes to toFixed, as do scales past 15.
 */
export function toScale(x: number, scale: number): number {
  const factor = POW10[scale];
  // (-0).toFixed() is "0": the one value whose sign Math.round would keep and the text drops.
  if (x === 0) return 0;
  if (factor !== undefined) {
    const scaled = x * factor;
    if (Math.abs(scaled) < 2 ** 40 && Math.abs(scaled - Math.floor(scaled) - 0.5) > 1e-3) return Math.round(scaled) / factor;
  }
  return Number(x.toFixed(scale));
}

const moments: TypeGenerator = {
  label: (spec) => `${spec.facts.base} (${timeRole(spec.name) ?? 'the seeded year'})`,
  make: (spec, rnd) => {
    const format = timeFormat(spec.facts.base);
    if (timeRole(spec.name) === 'date of birth') return () => format(REF - rnd.int(18 * 365, 80 * 365) * DAY);
    const [from, to] = timeBounds(spec.rules);
    return () => format(from + Math.floor(rnd.next() * (to - from)));
  },
};

const texts: TypeGenerator = {
  label: (spec) => namedFor(nameKey(spec.name), nameKey(spec.table), textLength(spec).fixed ?? textLength(spec).max)?.name ?? 'words',
  make: (spec, rnd, ctx) => text(spec, rnd, ctx),
};

/**
 * A range of the element's values: `[lo,hi)`, lower end first. A `disjoint` column (an EXCLUDE
 * constraint's `WITH &&`) takes row after row one slot each, its range inside it, so no two rows
 * overlap: an hour each for times and a day for dates (back from the reference instant, so all
 * in the past), 100 for numbers.
 */
function range(element: 'int' | 'numeric' | 'date' | 'timestamp' | 'timestamptz'): TypeGenerator {
  return {
    label: (spec) => `${spec.facts.base} (ordered bounds${spec.rules.disjoint ? ', no two overlapping' : ''})`,
    make: (spec, rnd) => (spec.rules.disjoint ? disjointRanges(element, rnd) : overlappingRanges(element, rnd)),
  };
}

function disjointRanges(element: 'int' | 'numeric' | 'date' | 'timestamp' | 'timestamptz', rnd: Random): Draw {
  let slot = 0;
  return () => {
    const n = slot++;
    if (element === 'int' || element === 'numeric') {
      const lo = n * 100 + rnd.int(0, 40);
      return `[${lo},${lo + rnd.int(1, 59)})`;
    }
    if (element === 'date') {
      const day = REF - (n + 1) * DAY;
      return `[${JSON.stringify(timeFormat(element)(day))},${JSON.stringify(timeFormat(element)(day + DAY))})`;
    }
    const from = REF - (n + 1) * HOUR + rnd.int(0, 1) * 15 * MINUTE;
    const to = from + rnd.int(1, 3) * 15 * MINUTE;
    const format = timeFormat(element);
    return `[${JSON.stringify(format(from))},${JSON.stringify(format(to))})`;
  };
}

function overlappingRanges(element: 'int' | 'numeric' | 'date' | 'timestamp' | 'timestamptz', rnd: Random): Draw {
  return () => {
    if (element === 'int' || element === 'numeric') {
      const lo = rnd.int(0, 900);
      const hi = lo + rnd.int(1, 100);
      return element === 'int' ? `[${lo},${hi})` : `[${lo}.${rnd.int(0, 99)},${hi}.${rnd.int(0, 99)})`;
    }
    const from = REF - rnd.int(2, 365) * DAY;
    const to = from + rnd.int(1, 30) * DAY;
    const format = timeFormat(element);
    return `[${JSON.stringify(format(from))},${JSON.stringify(format(to))})`;
  };
}

const fixed = (label: string, make: TypeGenerator['make']): TypeGenerator => ({ label: () => label, make });

/** Every base type the schema layer generates, and how: the one list (generatesType reads it too). */
const TYPES: Record<string, TypeGenerator> = {
  bool: fixed('boolean', (spec, rnd) => {
    const chance = /^(is|has)_/.test(nameKey(spec.name)) ? 0.3 : 0.5;
    return () => rnd.chance(chance);
  }),
  int2: integers,
  int4: integers,
  int8: integers,
  numeric: decimals,
  float4: decimals,
  float8: decimals,
  money: decimals,
  date: moments,
  timestamp: moments,
  timestamptz: moments,
  time: fixed('time of day', (_spec, rnd) => () => `${String(rnd.int(7, 19)).padStart(2, '0')}:${rnd.pick(['00', '15', '30', '45'])}:00`),
  timetz: fixed(
    'time of day',
    (_spec, rnd) => () => `${String(rnd.int(7, 19)).padStart(2, '0')}:${rnd.pick(['00', '15', '30', '45'])}:00+00`,
  ),
  interval: fixed('interval in days', (_spec, rnd) => () => `${rnd.int(1, 90)} days`),
  uuid: fixed('uuid v4', (_spec, rnd) => () => uuid(rnd)),
  inet: fixed('IPv4 address', (_spec, rnd) => () => `${rnd.int(1, 223)}.${rnd.int(0, 255)}.${rnd.int(0, 255)}.${rnd.int(1, 254)}`),
  cidr: fixed('IPv4 network', (_spec, rnd) => () => `10.${rnd.int(0, 255)}.${rnd.int(0, 255)}.0/24`),
  macaddr: fixed('MAC address', (_spec, rnd) => () => Array.from({ length: 6 }, () => rnd.hex(1)).join(':')),
  json: fixed('JSON object', (_spec, rnd, ctx) => jsonObjects(rnd, ctx)),
  jsonb: fixed('JSON object', (_spec, rnd, ctx) => jsonObjects(rnd, ctx)),
  bytea: fixed('16 random bytes', (_spec, rnd) => () => `\\x${rnd.hex(16)}`),
  text: texts,
  varchar: texts,
  bpchar: texts,
  citext: texts,
  name: texts,
  int4range: range('int'),
  int8range: range('int'),
  numrange: range('numeric'),
  daterange: range('date'),
  tsrange: range('timestamp'),
  tstzrange: range('timestamptz'),
};

/**
 * What a time column means to its row: its birth (`created_at`), a moment after it
 * (`updated_at`, `shipped_at`), one that may lie ahead (`expires_at`, `due_date`), or a
 * date of birth. The row generator orders them (src/seed/schema/generate.ts).
 */
export type TimeRole = 'birth' | 'later' | 'ahead' | 'date of birth';

export function timeRole(column: string): TimeRole | null {
  const name = nameKey(column);
  if (/birth|(^|_)dob$/.test(name)) return 'date of birth';
  if (
    /^(created|inserted|registered|signed_up|joined|opened)(_at|_on|_date|_time)?$|^(creation|created|join|signup|registration)_(date|time)$|^date_(created|joined|registered|added)$/.test(
      name,
    )
  )
    return 'birth';
  if (/expir|(^|_)due(_|$)|deadline|scheduled|valid_(until|to)|(^|_)ends?_(at|on)$|renew/.test(name)) return 'ahead';
  if (/(_at|_on|_date|_time)$|^(updated|modified|changed|last_)/.test(name)) return 'later';
  return null;
}

export function timeFormat(base: string): (ms: number) => string {
  return base === 'date' ? isoDate : base === 'timestamp' ? (ms: number) => iso(ms).slice(0, -1) : iso;
}

function typicalInt(name: string): [number, number] {
  if (/year/.test(name)) return [2015, 2026];
  if (/age/.test(name)) return [18, 80];
  if (/cents|price|amount|total|cost/.test(name)) return [100, 50_000];
  if (/priority|rank|level|rating|score|stars/.test(name)) return [1, 5];
  if (/position|order|sort|seq|index/.test(name)) return [0, 100];
  if (/count|quantity|qty|number|size/.test(name)) return [0, 250];
  if (/percent|pct/.test(name)) return [0, 100];
  return [1, 1000];
}

function decimalBounds(spec: ColumnSpec): [number, number] {
  const { facts } = spec;
  const scale = facts.scale ?? 2;
  const cap = facts.precision !== null ? 10 ** (facts.precision - scale) - 10 ** -scale : 1e9;
  const name = nameKey(spec.name);
  const typical: [number, number] = /amount|price|total|cost|balance|fee|salary|revenue/.test(name)
    ? [1, 500]
    : /^(lat|latitude)$/.test(name)
      ? [-90, 90]
      : /^(lng|lon|long|longitude)$/.test(name)
        ? [-180, 180]
        : [0, 1000];
  const [lo, hi] = numericBounds(spec, [-cap, cap], 10 ** -scale, typical);
  return [Number(lo.toFixed(scale)), Number(hi.toFixed(scale))];
}

function numericBounds(spec: ColumnSpec, [typeLo, typeHi]: [number, number], step: number, typical: [number, number]): [number, number] {
  const { min, max } = spec.rules;
  let lo = typeof min?.value === 'number' ? min.value + (min.inclusive ? 0 : step) : undefined;
  let hi = typeof max?.value === 'number' ? max.value - (max.inclusive ? 0 : step) : undefined;
  // A one-sided range keeps the name's typical spread above (or below) its bound.
  if (lo === undefined && hi === undefined) [lo, hi] = typical;
  else if (lo === undefined) lo = Math.min(hi!, typical[0]) - (hi! < typical[0] ? typical[1] - typical[0] : 0);
  else if (hi === undefined) hi = Math.max(lo, typical[1]) + (lo > typical[1] ? typical[1] - typical[0] : 0);
  return [Math.max(lo, typeLo), Math.min(hi!, typeHi)];
}

function timeBounds(rules: ColumnRules): [number, number] {
  const parse = (b: { value: number | string } | undefined) =>
    typeof b?.value === 'string' && !Number.isNaN(Date.parse(b.value)) ? Date.parse(b.value) : undefined;
  // Seeded time runs over the year before the reference date, as the hand-written tables' does.
  const from = parse(rules.min) ?? REF - 365 * DAY;
  const to = parse(rules.max) ?? REF - DAY;
  return to > from ? [from, to] : [from, from + 365 * DAY];
}

/** The four hex digits of a number's low 16 bits, from a table (toString(16) and padStart cost more, per uuid four times). */
const hex16 = (n: number) => HEX_BYTE[(n >>> 8) & 0xff]! + HEX_BYTE[n & 0xff]!;

/**
 * A version 4 UUID from four draws: version nibble 4, variant bits 10. The 32 hex digits are
 * the four words' in order, the version digit replacing the second word's fifth.
 */
function uuid(rnd: Random): string {
  const a = rnd.nextUint32();
  const b = rnd.nextUint32();
  const c = ((rnd.nextUint32() & 0x3fffffff) | 0x80000000) >>> 0;
  const d = rnd.nextUint32();
  return `${hex16(a >>> 16)}${hex16(a)}-${hex16(b >>> 16)}-4${HEX_BYTE[(b >>> 8) & 0x0f]!.slice(1)}${HEX_BYTE[b & 0xff]!}-${hex16(c >>> 16)}-${hex16(c)}${hex16(d >>> 16)}${hex16(d)}`;
}

function jsonObjects(rnd: Random, ctx: ValueContext): () => string {
  const note = NAMED.title!.make(rnd, ctx, undefined);
  // JSON.stringify({ source, note, version }) written out: the same text without an object per value.
  return () =>
    rnd.chance(0.3)
      ? '{}'
      : `{"source":"${rnd.pick(['web', 'api', 'import', 'mobile'])}","note":${JSON.stringify(note())},"version":${rnd.int(1, 5)}}`;
}

function textLength(spec: ColumnSpec): { fixed: number | undefined; max: number | undefined; min: number } {
  const { rules, facts } = spec;
  const fixedLength = facts.base === 'bpchar' ? (facts.length ?? 1) : undefined;
  const max = Math.min(rules.maxLength ?? Infinity, facts.length ?? Infinity);
  return { fixed: fixedLength, max: Number.isFinite(max) ? max : undefined, min: Math.max(rules.minLength ?? 0, fixedLength ?? 0, 1) };
}

function matchesAll(patterns: readonly RegExp[], value: string): boolean {
  for (let i = 0; i < patterns.length; i++) if (!patterns[i]!.test(value)) return false;
  return true;
}

/** Text by the column's name (faker) or the profile's named generator, then bent to its length and pattern rules. */
function text(spec: ColumnSpec, rnd: Random, ctx: ValueContext, named?: NamedGenerator): Draw {
  const { rules } = spec;
  const { fixed: fixedLength, max, min } = textLength(spec);
  const maxLength = max ?? Infinity;
  const chosen = named ?? namedFor(nameKey(spec.name), nameKey(spec.table), fixedLength ?? max) ?? NAMED.words!;
  const base = chosen.make(rnd, ctx, fixedLength ?? max);
  const nouns = ctx.pools('tag');
  const pad = (value: string) => {
    while (!lengthWithin(value, min, Infinity))
      value += fixedLength ? String.fromCharCode(65 + rnd.int(0, 25)) : ` ${nouns[rnd.int(0, nouns.length - 1)]!}`;
    return value;
  };
  // Most text columns have no length or pattern rule: the generator's value as it is.
  if (rules.patterns.length === 0 && !rules.lowerCase && maxLength === Infinity)
    return () => {
      const value = base();
      return lengthWithin(value, min, Infinity) ? value : pad(value);
    };
  const patterns = rules.patterns.map(regex);
  return (attempt) => {
    let value = attempt < 3 || patterns.length === 0 ? base() : undefined;
    if (value !== undefined && !matchesAll(patterns, value)) value = undefined;
    if (value === undefined) {
      const pattern = rules.patterns[0];
      value = pattern ? (sampleRegex(pattern.source, rnd) ?? base()) : base();
    }
    if (rules.lowerCase) value = value.toLowerCase();
    if (!lengthWithin(value, 0, maxLength)) value = [...value].slice(0, maxLength).join('').trimEnd();
    value = pad(value);
    if (!lengthWithin(value, 0, maxLength)) value = [...value].slice(0, maxLength).join('');
    return value;
  };
}
