import type { Faker } from '@faker-js/faker';
import { Random } from '../random.js';

const ascii = (s: string) => s.toLowerCase().replace(/[^a-z]/g, '');

/**
 * Every faker value the schema layer draws on, by pool name: one maker per name, so a pool
 * holds the same values whichever column asks for it first.
 */
const MAKERS = {
  firstName: (f) => f.person.firstName(),
  lastName: (f) => f.person.lastName(),
  asciiFirstName: (f) => ascii(f.person.firstName()),
  asciiLastName: (f) => ascii(f.person.lastName()),
  company: (f) => f.company.name(),
  productName: (f) => f.commerce.productName(),
  url: (f) => f.internet.url(),
  phone: (f) => f.phone.number({ style: 'international' }),
  countryCode: (f) => f.location.countryCode('alpha-2'),
  countryCode3: (f) => f.location.countryCode('alpha-3'),
  country: (f) => f.location.country(),
  currency: (f) => f.finance.currencyCode(),
  city: (f) => f.location.city(),
  street: (f) => f.location.streetAddress(),
  zip: (f) => f.location.zipCode(),
  stateCode: (f) => f.location.state({ abbreviated: true }),
  timeZone: (f) => f.location.timeZone(),
  color: (f) => f.color.rgb(),
  ip: (f) => f.internet.ipv4(),
  userAgent: (f) => f.internet.userAgent(),
  slug: (f) => f.helpers.slugify(f.word.words({ count: { min: 1, max: 3 } })).toLowerCase(),
  title: (f) => f.company.catchPhrase(),
  phrase: (f) => f.hacker.phrase(),
  tag: (f) => f.word.noun(),
  label: (f) => `${f.commerce.department()} ${f.word.noun()}`,
  word: (f) => f.word.sample(),
} satisfies Record<string, (faker: Faker) => string>;

export type PoolName = keyof typeof MAKERS;

/** A pool's values (made the first time it is asked for). */
export type Pools = (name: PoolName) => readonly string[];

/** How many values a pool holds: enough to read as varied, few enough that faker is not the seed's cost. */
const POOL = 512;

/**
 * faker's values made once per run into pools, then picked from: a faker call costs
 * microseconds (tens for a phrase), a pick nanoseconds, and text made of several pools (a
 * first and a last name, two phrases) still has hundreds of thousands of combinations. Each
 * pool is filled from faker seeded for that pool alone, so its values depend on the seed and
 * its name only: not on the tables, columns or the order that use it, and columns that
 * share a pool (names in emails, in full names, in first names) pay for it once.
 */
export function runPools(faker: Faker, seed: number): Pools {
  const pools = new Map<PoolName, readonly string[]>();
  return (name) => {
    let pool = pools.get(name);
    if (!pool) {
      faker.seed([seed, new Random(seed, `pool:${name}`).nextUint32()]);
      const make = MAKERS[name];
      pools.set(name, (pool = Array.from({ length: POOL }, () => make(faker))));
    }
    return pool;
  };
}

/** Picks from a pool with the column's own stream. */
export function pooled(rnd: Random, pool: readonly string[]): () => string {
  return () => pool[rnd.int(0, pool.length - 1)]!;
}
