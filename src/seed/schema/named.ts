import type { Faker } from '@faker-js/faker';
import type { Random } from '../random.js';
import type { ValueContext } from './values.js';

/**
 * The text generators a column gets by its name, and a seed file may name for any text
 * column (`"generators": { "contact": "email" }`). One list: the name patterns, the names a
 * seed file accepts and what `seed --dry-run` prints all come from here.
 */
export interface NamedGenerator {
  name: string;
  /** Column names that get it without being told (lower-cased); null: only when named. */
  columns: RegExp | null;
  /** For a column called just `name`: the tables whose rows it names (people, companies, products). */
  tables?: RegExp;
  /** Where it fits only a short column (country codes, state abbreviations). */
  fits?: (length: number | undefined) => boolean;
  make(rnd: Random, ctx: ValueContext, length: number | undefined): () => string;
}

const ascii = (s: string) => s.toLowerCase().replace(/[^a-z]/g, '');

/** How many values faker makes per column: enough to read as varied, few enough that faker is not the seed's cost. */
const POOL = 512;

/**
 * faker's values drawn once per column into a pool, then picked from it: faker costs
 * microseconds a call, a pick nanoseconds, and text made of several pools (a first and a last
 * name, two phrases) still has hundreds of thousands of combinations.
 */
function pooled(rnd: Random, make: () => string): () => string {
  const pool = Array.from({ length: POOL }, make);
  return () => pool[rnd.int(0, POOL - 1)]!;
}

/** A generator whose every value is one faker call, pooled. */
const fake = (
  name: string,
  columns: RegExp | null,
  call: (faker: Faker) => string,
  more: Partial<NamedGenerator> = {},
): NamedGenerator => ({
  name,
  columns,
  ...more,
  make: (rnd, { faker }) => pooled(rnd, () => call(faker)),
});

const letters = (rnd: Random, n: number) => Array.from({ length: n }, () => String.fromCharCode(65 + rnd.int(0, 25))).join('');

const PEOPLE =
  /user|customer|person|people|staff|employee|member|author|contact|patient|student|teacher|driver|owner|client|player|guest|account_holder/;
const COMPANIES = /compan|organi[sz]ation|vendor|supplier|brand|merchant|partner|store|shop|agency|firm|employer/;
const PRODUCTS = /product|item|article|good|sku|menu|dish/;

const LIST: NamedGenerator[] = [
  {
    name: 'passwordHash',
    columns: /^(password_hash|password_digest|hashed_password|encrypted_password|passwd_hash|pw_hash)$/,
    // The development password (README), so a seeded account can sign in to the application.
    make: (_rnd, ctx) => () => ctx.passwordHash,
  },
  {
    name: 'email',
    columns: /email/,
    // On the reserved example domains (RFC 2606): a seeded database can never mail a real person.
    make: (rnd, { faker }) => {
      const first = pooled(rnd, () => ascii(faker.person.firstName()));
      const last = pooled(rnd, () => ascii(faker.person.lastName()));
      return () => `${first()}.${last()}@${rnd.pick(['example.com', 'example.org', 'example.net'])}`;
    },
  },
  fake('firstName', /^(first_?name|given_name|forename)$/, (f) => f.person.firstName()),
  fake('lastName', /^(last_?name|surname|family_name)$/, (f) => f.person.lastName()),
  {
    name: 'fullName',
    columns: /^(full_?name|display_?name|contact_name|author_name|customer_name|person_name|owner_name|name)$/,
    tables: PEOPLE,
    make: (rnd, { faker }) => {
      const first = pooled(rnd, () => faker.person.firstName());
      const last = pooled(rnd, () => faker.person.lastName());
      return () => `${first()} ${last()}`;
    },
  },
  {
    name: 'username',
    columns: /^(user_?name|login|handle|nick_?name|screen_name)$/,
    make: (rnd, { faker }) => {
      const first = pooled(rnd, () => ascii(faker.person.firstName()));
      return () => `${first()}${rnd.int(1, 999)}`;
    },
  },
  fake('company', /company|organi[sz]ation|vendor|supplier|employer|brand|^name$/, (f) => f.company.name(), { tables: COMPANIES }),
  fake('productName', /product|item|^name$/, (f) => f.commerce.productName(), { tables: PRODUCTS }),
  fake('url', /(^|_)(url|website|homepage|link|uri)$/, (f) => f.internet.url()),
  fake('phone', /phone|mobile|fax/, (f) => f.phone.number({ style: 'international' })),
  {
    ...fake('countryCode', /country/, (f) => f.location.countryCode('alpha-2')),
    fits: (length) => length !== undefined && length <= 3,
    make: (rnd, { faker }, length) => pooled(rnd, () => faker.location.countryCode(length === 3 ? 'alpha-3' : 'alpha-2')),
  },
  fake('country', /country|^name$/, (f) => f.location.country(), { tables: /countr/ }),
  fake('currency', /currency/, (f) => f.finance.currencyCode()),
  fake('city', /city|town|^name$/, (f) => f.location.city(), { tables: /^(cit|town)/ }),
  fake('street', /street|address/, (f) => f.location.streetAddress()),
  fake('zip', /zip|postal|postcode/, (f) => f.location.zipCode()),
  fake('stateCode', /state|province/, (f) => f.location.state({ abbreviated: true }), { fits: (length) => length === 2 }),
  { name: 'region', columns: /region|zone/, make: (rnd) => () => rnd.pick(['eu-west', 'eu-central', 'us-east', 'us-west', 'ap-south']) },
  fake('timeZone', /time_?zone|(^|_)tz$/, (f) => f.location.timeZone()),
  {
    name: 'locale',
    columns: /locale|language|lang$/,
    make: (rnd) => () => rnd.pick(['en-US', 'en-GB', 'de-DE', 'fr-FR', 'es-ES', 'ja-JP']),
  },
  fake('color', /colou?r/, (f) => f.color.rgb()),
  fake('ip', /(^|_)(ip|ip_address|remote_addr)$/, (f) => f.internet.ipv4()),
  fake('userAgent', /user_agent/, (f) => f.internet.userAgent()),
  fake('slug', /slug/, (f) => f.helpers.slugify(f.word.words({ count: { min: 1, max: 3 } })).toLowerCase()),
  { name: 'sku', columns: /sku|code|(^|_)ref$|reference/, make: (rnd) => () => `${letters(rnd, 3)}-${rnd.int(1000, 9999)}` },
  fake('title', /title|subject|headline|summary|caption/, (f) => f.company.catchPhrase()),
  {
    name: 'paragraph',
    columns: /description|body|content|notes?$|comment|message|bio|text|details|remarks|reason/,
    make: (rnd, { faker }) => {
      const phrase = pooled(rnd, () => faker.hacker.phrase());
      const catchPhrase = pooled(rnd, () => faker.company.catchPhrase());
      return () => `${phrase()} ${catchPhrase()}.`;
    },
  },
  fake('status', /status|state|kind|type|category|plan|role|tier|stage|action|method/, (f) => f.word.adjective()),
  fake('tag', /(^|_)(tag|label|keyword|topic)s?$/, (f) => f.word.noun()),
  fake('label', /name$/, (f) => f.commerce.department() + ' ' + f.word.noun()),
  {
    name: 'letters',
    columns: null,
    fits: (length) => length !== undefined && length <= 4,
    make: (rnd, _ctx, length) => () => letters(rnd, length ?? 4),
  },
  {
    name: 'words',
    columns: null,
    make: (rnd, { faker }) => {
      const word = pooled(rnd, () => faker.word.sample());
      return () => Array.from({ length: rnd.int(2, 4) }, word).join(' ');
    },
  },
];

/** By name, for a seed file's "generators" and for the fallbacks below. */
export const NAMED: Readonly<Record<string, NamedGenerator>> = Object.fromEntries(LIST.map((g) => [g.name, g]));

/** The names a seed file may give a column's generator. */
export const GENERATOR_NAMES: readonly string[] = Object.keys(NAMED);

/**
 * The generator a column's name asks for (first match in the list; a column called just
 * `name` by its table: a person's, a company's, a product's, else a label), or a short code
 * for a short column.
 */
export function namedFor(column: string, table: string, length: number | undefined): NamedGenerator | undefined {
  const byName = LIST.find(
    (g) => g.columns?.test(column) && (g.fits?.(length) ?? true) && (column !== 'name' || !g.tables || g.tables.test(table)),
  );
  return byName ?? (NAMED.letters!.fits!(length) ? NAMED.letters : undefined);
}
