import type { Faker } from '@faker-js/faker';
import type { ColumnFacts } from '../../catalog/column-facts.js';
import { DevdbError } from '../../errors.js';
import type { ProfileValue } from '../profile.js';
import type { Random } from '../random.js';
import { DAY, REF, iso, isoDate } from '../time.js';
import type { ColumnRules } from './checks.js';
import { sampleRegex } from './regex.js';

/** What the schema-driven layer knows about one column it fills. */
export interface ColumnSpec {
  table: string;
  name: string;
  facts: ColumnFacts;
  nullable: boolean;
  rules: ColumnRules;
  /** The column alone is UNIQUE (a composite key is checked by the table). */
  unique: boolean;
  /** The profile's value set, when it gives one. */
  values: ProfileValue[] | undefined;
}

/** A value in JS form: copyValue turns it into COPY text (null is NULL, arrays become `{...}`). */
export type Value = string | number | boolean | null | Value[];

const INT_RANGE: Record<string, [number, number]> = { int2: [-32768, 32767], int4: [-2147483648, 2147483647], int8: [-(2 ** 53), 2 ** 53] };
const RETRIES = 25;

/**
 * A function that draws one valid value of the column per call: from the profile's values,
 * the CHECK's list or the enum's labels when there are any, otherwise from the column's
 * name (faker, for realism) and type, shaped to the ranges, lengths and patterns of its
 * CHECKs. A drawn value that still breaks a rule is drawn again a bounded number of times,
 * then the column is reported with the constraint and the profile entry that would fix it.
 */
export function columnValues(spec: ColumnSpec, rnd: Random, faker: Faker): () => Value {
  const draw = drawer(spec, rnd, faker);
  const seen = spec.unique ? new Set<string>() : undefined;
  return () => {
    for (let attempt = 0; attempt < RETRIES; attempt++) {
      let value = draw(attempt);
      if (value === null) return null;
      if (seen && seen.has(key(value))) {
        // Past the first tries, a suffix keeps a unique text or number column unique.
        if (attempt < 5 || spec.values || spec.rules.oneOf || spec.facts.labels) continue;
        value = typeof value === 'number' ? value + seen.size : typeof value === 'string' ? uniqueSuffix(value, seen.size, spec) : value;
      }
      if (!satisfies(value, spec) || (seen && seen.has(key(value)))) continue;
      seen?.add(key(value));
      return value;
    }
    throw unsatisfiable(spec);
  };
}

export function unsatisfiable(spec: ColumnSpec, constraint?: string): DevdbError {
  const names =
    constraint ??
    (spec.rules.constraints.length > 0 ? spec.rules.constraints.join(', ') : spec.unique ? 'its UNIQUE constraint' : 'its type');
  return new DevdbError(
    'E_INVALID',
    `Cannot seed ${spec.table}.${spec.name}: no generated value satisfies ${names} after ${RETRIES} tries. Give the column its values in the seed profile: "tables": { "${spec.table}": { "values": { "${spec.name}": [ ... ] } } }.`,
    { details: { table: spec.table, column: spec.name, constraint: names } },
  );
}

const key = (v: Value) => (Array.isArray(v) ? JSON.stringify(v) : String(v));

function uniqueSuffix(value: string, n: number, spec: ColumnSpec): string {
  const max = spec.rules.maxLength ?? spec.facts.length ?? Infinity;
  const suffix = `-${n}`;
  if (value.includes('@')) return value.replace('@', `${suffix}@`);
  return value.length + suffix.length <= max ? value + suffix : value.slice(0, Math.max(0, max - suffix.length)) + suffix;
}

/** True when the value keeps every rule this layer understood (unparsed CHECKs are the server's). */
export function satisfies(value: Value, spec: ColumnSpec): boolean {
  const r = spec.rules;
  if (value === null) return spec.nullable;
  if (Array.isArray(value)) return !r.nonEmptyArray || value.length > 0;
  if (r.oneOf && !r.oneOf.some((v) => String(v) === String(value))) return false;
  if (typeof value !== 'boolean' && r.min && !above(value, r.min.value, r.min.inclusive)) return false;
  if (typeof value !== 'boolean' && r.max && !above(r.max.value, value, r.max.inclusive)) return false;
  if (typeof value === 'string') {
    const length = [...value].length;
    if (r.minLength !== undefined && length < r.minLength) return false;
    if (r.maxLength !== undefined && length > r.maxLength) return false;
    if (spec.facts.length !== null && length > spec.facts.length) return false;
    if (r.lowerCase && value !== value.toLowerCase()) return false;
    for (const p of r.patterns) if (!new RegExp(p.source, p.flags).test(value)) return false;
  }
  return true;
}

function above(a: number | string, b: number | string, inclusive: boolean): boolean {
  const [x, y] = typeof a === 'number' && typeof b === 'number' ? [a, b] : [String(a), String(b)];
  return inclusive ? x >= y : x > y;
}

function drawer(spec: ColumnSpec, rnd: Random, faker: Faker): (attempt: number) => Value {
  const { facts, rules } = spec;
  const nullChance = spec.nullable ? 0.1 : 0;
  const orNull = (fn: (attempt: number) => Value) => (attempt: number) =>
    nullChance > 0 && attempt === 0 && rnd.chance(nullChance) ? null : fn(attempt);
  const list = spec.values ?? rules.oneOf ?? facts.labels;
  if (list)
    return spec.values ? () => list[rnd.int(0, list.length - 1)] as Value : orNull(() => list[rnd.int(0, list.length - 1)] as Value);
  if (facts.element) {
    const element: ColumnSpec = {
      ...spec,
      facts: { ...facts, ...facts.element, element: null, domain: null, domainChecks: [], domainNotNull: false },
      rules: { patterns: [], constraints: [] },
      unique: false,
      values: undefined,
    };
    const one = drawer({ ...element, nullable: false }, rnd, faker);
    return orNull((attempt) => Array.from({ length: rnd.int(1, 3) }, () => one(attempt)));
  }
  return orNull(scalar(spec, rnd, faker));
}

function scalar(spec: ColumnSpec, rnd: Random, faker: Faker): (attempt: number) => Value {
  const { facts, rules } = spec;
  const name = spec.name.toLowerCase();
  switch (facts.base) {
    case 'bool':
      return () => rnd.chance(/^(is|has)_/.test(name) ? 0.3 : 0.5);
    case 'int2':
    case 'int4':
    case 'int8': {
      const [lo, hi] = numericBounds(spec, INT_RANGE[facts.base]!, 1, typicalInt(name));
      return () => rnd.int(lo, hi);
    }
    case 'numeric':
    case 'float4':
    case 'float8':
    case 'money': {
      const scale = facts.scale ?? 2;
      const cap = facts.precision !== null ? 10 ** (facts.precision - scale) - 10 ** -scale : 1e9;
      const [lo, hi] = numericBounds(
        spec,
        [-cap, cap],
        10 ** -scale,
        /amount|price|total|cost|balance|fee/.test(name) ? [1, 500] : [0, 1000],
      );
      return () => Number((lo + rnd.next() * (hi - lo)).toFixed(scale));
    }
    case 'date':
    case 'timestamp':
    case 'timestamptz': {
      const [from, to] = timeBounds(rules);
      const format = facts.base === 'date' ? isoDate : facts.base === 'timestamp' ? (ms: number) => iso(ms).slice(0, -1) : iso;
      return () => format(from + Math.floor(rnd.next() * (to - from)));
    }
    case 'time':
    case 'timetz':
      return () => `${String(rnd.int(7, 19)).padStart(2, '0')}:${rnd.pick(['00', '15', '30', '45'])}:00`;
    case 'interval':
      return () => `${rnd.int(1, 90)} days`;
    case 'uuid':
      return () => uuid(rnd);
    case 'inet':
    case 'cidr':
      return () => faker.internet.ipv4();
    case 'json':
    case 'jsonb':
      return () => JSON.stringify(jsonObject(rnd, faker));
    case 'bytea':
      return () => `\\x${rnd.hex(16)}`;
    case 'text':
    case 'varchar':
    case 'bpchar':
    case 'citext':
    case 'name':
      return text(spec, rnd, faker);
    default:
      return () => {
        throw new DevdbError(
          'E_INVALID',
          `Cannot seed ${spec.table}.${spec.name}: devdb does not generate values of type ${facts.base}. Give the column its values in the seed profile ("tables": { "${spec.table}": { "values": { "${spec.name}": [ ... ] } } }), or a default.`,
          { details: { table: spec.table, column: spec.name, type: facts.base } },
        );
      };
  }
}

/** True when this layer can make values of the column's type without a profile's help. */
export function generatesType(facts: ColumnFacts): boolean {
  if (facts.labels) return true;
  const base = facts.element ? facts.element.base : facts.base;
  if (facts.element?.labels) return true;
  return /^(bool|int[248]|numeric|float[48]|money|date|timestamp|timestamptz|time|timetz|interval|uuid|inet|cidr|json|jsonb|bytea|text|varchar|bpchar|citext|name)$/.test(
    base,
  );
}

function typicalInt(name: string): [number, number] {
  if (/year/.test(name)) return [2015, 2026];
  if (/age/.test(name)) return [18, 80];
  if (/priority|rank|level|rating|score|stars/.test(name)) return [1, 5];
  if (/position|order|sort|seq|index/.test(name)) return [0, 100];
  if (/count|quantity|qty|number|size|total/.test(name)) return [0, 250];
  if (/percent|pct/.test(name)) return [0, 100];
  return [1, 1000];
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

function uuid(rnd: Random): string {
  const h = rnd.hex(16).split('');
  h[12] = '4';
  h[16] = '89ab'[parseInt(h[16]!, 16) & 3]!;
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

function jsonObject(rnd: Random, faker: Faker): Record<string, unknown> {
  return rnd.chance(0.3)
    ? {}
    : { source: rnd.pick(['web', 'api', 'import', 'mobile']), note: faker.company.catchPhrase(), version: rnd.int(1, 5) };
}

/** Text by the column's name (faker), then bent to its length and pattern rules. */
function text(spec: ColumnSpec, rnd: Random, faker: Faker): (attempt: number) => Value {
  const { rules, facts } = spec;
  const name = spec.name.toLowerCase();
  const fixed = facts.base === 'bpchar' ? (facts.length ?? 1) : undefined;
  const maxLength = Math.min(rules.maxLength ?? Infinity, facts.length ?? Infinity);
  const minLength = Math.max(rules.minLength ?? 0, fixed ?? 0, 1);
  const base = byName(name, fixed ?? (Number.isFinite(maxLength) ? maxLength : undefined), rnd, faker);
  return (attempt) => {
    let value = attempt < 3 || rules.patterns.length === 0 ? base() : undefined;
    if (value !== undefined && rules.patterns.some((p) => !new RegExp(p.source, p.flags).test(value!))) value = undefined;
    if (value === undefined) {
      const pattern = rules.patterns[0];
      value = pattern ? (sampleRegex(pattern.source, rnd) ?? base()) : base();
    }
    if (rules.lowerCase) value = value.toLowerCase();
    if ([...value].length > maxLength) value = [...value].slice(0, maxLength).join('').trimEnd();
    while ([...value].length < minLength) value += fixed ? String.fromCharCode(65 + rnd.int(0, 25)) : ` ${faker.word.noun()}`;
    if ([...value].length > maxLength) value = [...value].slice(0, maxLength).join('');
    return value;
  };
}

function byName(name: string, length: number | undefined, rnd: Random, faker: Faker): () => string {
  const words = (min: number, max: number) => () => faker.word.words({ count: { min, max } });
  if (/email/.test(name))
    return () =>
      `${faker.person
        .firstName()
        .toLowerCase()
        .replace(/[^a-z]/g, '')}.${faker.person
        .lastName()
        .toLowerCase()
        .replace(/[^a-z]/g, '')}@${rnd.pick(['example.com', 'example.org', 'example.net'])}`;
  if (/^(first_?name|given_name)$/.test(name)) return () => faker.person.firstName();
  if (/^(last_?name|surname|family_name)$/.test(name)) return () => faker.person.lastName();
  if (/^(name|full_name|display_name|contact_name|author_name|customer_name)$/.test(name)) return () => faker.person.fullName();
  if (/company|organi[sz]ation|vendor|supplier/.test(name)) return () => faker.company.name();
  if (/(^|_)(url|website|homepage|link)$/.test(name)) return () => faker.internet.url();
  if (/phone|mobile|fax/.test(name)) return () => faker.phone.number({ style: 'international' });
  if (/country/.test(name))
    return length !== undefined && length <= 3
      ? () => faker.location.countryCode(length === 3 ? 'alpha-3' : 'alpha-2')
      : () => faker.location.country();
  if (/currency/.test(name)) return () => faker.finance.currencyCode();
  if (/city/.test(name)) return () => faker.location.city();
  if (/street|address/.test(name)) return () => faker.location.streetAddress();
  if (/zip|postal|postcode/.test(name)) return () => faker.location.zipCode();
  if (/state|region|province/.test(name) && length === 2) return () => faker.location.state({ abbreviated: true });
  if (/region/.test(name)) return () => rnd.pick(['eu-west', 'eu-central', 'us-east', 'us-west', 'ap-south']);
  if (/color|colour/.test(name)) return () => faker.color.rgb();
  if (/slug|handle|username|login/.test(name))
    return () => faker.helpers.slugify(faker.word.words({ count: { min: 1, max: 3 } })).toLowerCase();
  if (/(^|_)(ip|ip_address)$/.test(name)) return () => faker.internet.ipv4();
  if (/code|sku|ref|reference/.test(name)) return () => `${faker.string.alpha({ length: 3, casing: 'upper' })}-${rnd.int(1000, 9999)}`;
  if (/title|subject|headline|summary/.test(name)) return () => faker.company.catchPhrase();
  if (/description|body|content|notes?|comment|message|bio|text/.test(name))
    return () => `${faker.hacker.phrase()} ${faker.company.catchPhrase()}.`;
  if (/status|state|kind|type|category|plan|role|tier/.test(name)) return () => faker.word.adjective();
  if (/(^|_)(tag|label|keyword)s?$/.test(name)) return () => faker.word.noun();
  if (/name$/.test(name)) return () => faker.commerce.productName();
  if (length !== undefined && length <= 4) return () => faker.string.alpha({ length, casing: 'upper' });
  return words(2, 4);
}
