import { describe, expect, it } from 'vitest';
import { Random } from '../../src/seed/random.js';
import { parseChecks, readExclusions } from '../../src/seed/schema/checks.js';
import { sampleRegex } from '../../src/seed/schema/regex.js';

describe('parseChecks (CHECK definitions as pg_get_constraintdef writes them)', () => {
  const columns = [
    'priority',
    'region',
    'code',
    'name',
    'starts_at',
    'ends_at',
    'tags',
    'meta',
    'email',
    'price',
    'opens_at',
    'closes_at',
    'follower_id',
    'followed_id',
  ];
  const rules = parseChecks(
    [
      { name: 'a', definition: 'CHECK (priority >= 1 AND priority <= 5)' },
      { name: 'b', definition: "CHECK (region = ANY (ARRAY['eu'::text, 'us'::text]))" },
      { name: 'c', definition: "CHECK (code ~ '^[A-Z]{3}$'::text)" },
      { name: 'd', definition: 'CHECK (length(btrim(name)) >= 1 AND length(btrim(name)) <= 200)' },
      { name: 'e', definition: 'CHECK (ends_at > starts_at)' },
      { name: 'f', definition: 'CHECK (cardinality(tags) > 0)' },
      { name: 'g', definition: "CHECK (jsonb_typeof(meta) = 'object'::text)" },
      { name: 'h', definition: 'CHECK (email = lower(email))' },
      { name: 'i', definition: "CHECK (price > 0::numeric AND price < '1000.5'::numeric)" },
      { name: 'j', definition: "CHECK (priority > 2 OR region = 'eu'::text)" },
      { name: 'k', definition: 'CHECK (((price IS NULL) OR (price >= (1)::numeric)))' },
      { name: 'l', definition: 'CHECK (((closes_at IS NULL) OR (opens_at IS NULL) OR (closes_at >= opens_at)))' },
      { name: 'm', definition: 'CHECK ((follower_id <> followed_id))' },
    ],
    columns,
  );

  it('reads ranges, lists, patterns, lengths, orderings and the rest', () => {
    expect(rules.columns.get('priority')).toMatchObject({ min: { value: 1, inclusive: true }, max: { value: 5, inclusive: true } });
    expect(rules.columns.get('region')?.oneOf).toEqual(['eu', 'us']);
    expect(rules.columns.get('code')?.patterns).toEqual([{ source: '^[A-Z]{3}$', flags: '' }]);
    expect(rules.columns.get('name')).toMatchObject({ minLength: 1, maxLength: 200 });
    expect(rules.relations).toEqual([
      { column: 'ends_at', op: '>', other: 'starts_at', constraint: 'e' },
      { column: 'closes_at', op: '>=', other: 'opens_at', constraint: 'l' },
    ]);
    expect(rules.distinct).toEqual([{ column: 'follower_id', other: 'followed_id', constraint: 'm' }]);
    expect(rules.columns.get('tags')?.nonEmptyArray).toBe(true);
    expect(rules.columns.get('meta')?.jsonObject).toBe(true);
    expect(rules.columns.get('email')?.lowerCase).toBe(true);
    expect(rules.columns.get('price')).toMatchObject({ min: { value: 1, inclusive: true }, max: { value: 1000.5, inclusive: false } });
  });

  it('keeps what it cannot read for the server to judge, with the columns it mentions', () => {
    expect(rules.unparsed).toEqual([
      { constraint: 'j', expression: "priority > 2 OR region = 'eu'::text", columns: ['priority', 'region'] },
    ]);
  });

  it('reads a column past another by a constant, multiples, and how many of a set of columns are filled', () => {
    const more = parseChecks(
      [
        { name: 'n', definition: "CHECK ((ends_at > (starts_at + '01:00:00'::interval)))" },
        { name: 'o', definition: "CHECK (((opens_at + '1 mon 2 days'::interval) <= closes_at))" },
        { name: 'p', definition: 'CHECK ((priority >= (price - (5)::numeric)))' },
        { name: 'q', definition: 'CHECK ((((price % (5)::numeric) = (0)::numeric) AND ((priority % 10) = 0)))' },
        { name: 'r', definition: 'CHECK ((num_nonnulls(follower_id, followed_id) = 1))' },
        { name: 's', definition: 'CHECK ((num_nulls(tags, meta, email) = 1))' },
      ],
      columns,
    );
    const hour = 3_600_000;
    const day = 24 * hour;
    expect(more.relations).toEqual([
      { column: 'ends_at', op: '>', other: 'starts_at', constraint: 'n', offset: { low: hour, high: hour } },
      { column: 'closes_at', op: '>=', other: 'opens_at', constraint: 'o', offset: { low: 30 * day, high: 33 * day } },
      { column: 'priority', op: '>=', other: 'price', constraint: 'p', offset: { low: -5, high: -5 } },
    ]);
    expect([more.columns.get('priority')?.multipleOf, more.columns.get('price')?.multipleOf]).toEqual([10, 5]);
    expect(more.nonNulls).toEqual([
      { columns: ['follower_id', 'followed_id'], op: '=', count: 1, constraint: 'r' },
      { columns: ['tags', 'meta', 'email'], op: '=', count: 2, constraint: 's' },
    ]);
    expect(more.unparsed).toEqual([]);
  });

  it('reads a domain CHECK written against VALUE as a rule on the column', () => {
    const domain = parseChecks([{ name: 'positive', definition: 'CHECK (VALUE > 0::numeric)' }], ['amount'], 'amount');
    expect(domain.columns.get('amount')?.min).toEqual({ value: 0, inclusive: false });
  });
});

describe('sampleRegex', () => {
  it('draws strings that match the simple patterns CHECKs use, deterministically', () => {
    const patterns = [
      '^[A-Z]{3}-\\d{4}$',
      '^(draft|sent|paid)$',
      '^[a-z][a-z0-9_.]*$',
      '^#[0-9a-fA-F]{6}$',
      '^INV-[0-9]{6}$',
      '^[A-Za-z0-9_]{8,32}$',
    ];
    for (const source of patterns) {
      const rnd = new Random(1, source);
      for (let k = 0; k < 50; k++) {
        const value = sampleRegex(source, rnd);
        expect(value, source).toBeDefined();
        expect(new RegExp(source).test(value!), `${source} -> ${value}`).toBe(true);
      }
      expect(sampleRegex(source, new Random(2, 'x'))).toBe(sampleRegex(source, new Random(2, 'x')));
    }
  });

  it('declines what it does not support rather than guessing', () => {
    for (const source of ['^(?=a)b$', '^[^a]$', '^(a)\\1$']) expect(sampleRegex(source, new Random(1, 'x')), source).toBeUndefined();
  });
});

describe('readExclusions (EXCLUDE constraints as pg_get_constraintdef writes them)', () => {
  it('marks a column compared WITH && as disjoint, and keeps any other form for the server', () => {
    const columns = ['room', 'during', 'area', 'Slot Range'];
    const rules = readExclusions(
      parseChecks([], columns),
      [
        { name: 'no_double_booking', definition: 'EXCLUDE USING gist (room WITH =, during WITH &&) WHERE ((room IS NOT NULL))' },
        { name: 'quoted', definition: 'EXCLUDE USING gist ("Slot Range" WITH &&) DEFERRABLE' },
        { name: 'shapes', definition: 'EXCLUDE USING gist (area WITH ~=)' },
      ],
      columns,
    );
    expect(rules.columns.get('during')).toMatchObject({ disjoint: true, constraints: ['no_double_booking'] });
    expect(rules.columns.get('Slot Range')?.disjoint).toBe(true);
    expect(rules.columns.get('room')?.disjoint).toBeUndefined();
    expect(rules.unparsed).toEqual([{ constraint: 'shapes', expression: 'EXCLUDE USING gist (area WITH ~=)', columns: ['area'] }]);
  });
});
