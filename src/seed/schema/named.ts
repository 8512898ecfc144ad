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
  /** Where it fits only a short column (country codes, state abbreviations). */
  fits?: (length: number | undefined) => boolean;
  make(rnd: Random, ctx: ValueContext, length: number | undefined): () => string;
}

const ascii = (s: string) => s.toLowerCase().replace(/[^a-z]/g, '');

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
    make:
      (rnd, { faker }) =>
      () =>
        `${ascii(faker.person.firstName())}.${ascii(faker.person.lastName())}@${rnd.pick(['example.com', 'example.org', 'example.net'])}`,
  },
  {
    name: 'firstName',
    columns: /^(first_?name|given_name|forename)$/,
    make:
      (_r, { faker }) =>
      () =>
        faker.person.firstName(),
  },
  {
    name: 'lastName',
    columns: /^(last_?name|surname|family_name)$/,
    make:
      (_r, { faker }) =>
      () =>
        faker.person.lastName(),
  },
  {
    name: 'fullName',
    columns: /^(name|full_?name|display_?name|contact_name|author_name|customer_name|person_name|owner_name)$/,
    make:
      (_r, { faker }) =>
      () =>
        faker.person.fullName(),
  },
  {
    name: 'username',
    columns: /^(user_?name|login|handle|nick_?name|screen_name)$/,
    make:
      (rnd, { faker }) =>
      () =>
        `${ascii(faker.person.firstName())}${rnd.int(1, 999)}`,
  },
  {
    name: 'company',
    columns: /company|organi[sz]ation|vendor|supplier|employer|brand/,
    make:
      (_r, { faker }) =>
      () =>
        faker.company.name(),
  },
  {
    name: 'url',
    columns: /(^|_)(url|website|homepage|link|uri)$/,
    make:
      (_r, { faker }) =>
      () =>
        faker.internet.url(),
  },
  {
    name: 'phone',
    columns: /phone|mobile|fax/,
    make:
      (_r, { faker }) =>
      () =>
        faker.phone.number({ style: 'international' }),
  },
  {
    name: 'countryCode',
    columns: /country/,
    fits: (length) => length !== undefined && length <= 3,
    make:
      (_r, { faker }, length) =>
      () =>
        faker.location.countryCode(length === 3 ? 'alpha-3' : 'alpha-2'),
  },
  {
    name: 'country',
    columns: /country/,
    make:
      (_r, { faker }) =>
      () =>
        faker.location.country(),
  },
  {
    name: 'currency',
    columns: /currency/,
    make:
      (_r, { faker }) =>
      () =>
        faker.finance.currencyCode(),
  },
  {
    name: 'city',
    columns: /city|town/,
    make:
      (_r, { faker }) =>
      () =>
        faker.location.city(),
  },
  {
    name: 'street',
    columns: /street|address/,
    make:
      (_r, { faker }) =>
      () =>
        faker.location.streetAddress(),
  },
  {
    name: 'zip',
    columns: /zip|postal|postcode/,
    make:
      (_r, { faker }) =>
      () =>
        faker.location.zipCode(),
  },
  {
    name: 'stateCode',
    columns: /state|province/,
    fits: (length) => length === 2,
    make:
      (_r, { faker }) =>
      () =>
        faker.location.state({ abbreviated: true }),
  },
  {
    name: 'region',
    columns: /region|zone/,
    make: (rnd) => () => rnd.pick(['eu-west', 'eu-central', 'us-east', 'us-west', 'ap-south']),
  },
  {
    name: 'timeZone',
    columns: /time_?zone|(^|_)tz$/,
    make:
      (_r, { faker }) =>
      () =>
        faker.location.timeZone(),
  },
  {
    name: 'locale',
    columns: /locale|language|lang$/,
    make: (rnd) => () => rnd.pick(['en-US', 'en-GB', 'de-DE', 'fr-FR', 'es-ES', 'ja-JP']),
  },
  {
    name: 'color',
    columns: /colou?r/,
    make:
      (_r, { faker }) =>
      () =>
        faker.color.rgb(),
  },
  {
    name: 'ip',
    columns: /(^|_)(ip|ip_address|remote_addr)$/,
    make:
      (_r, { faker }) =>
      () =>
        faker.internet.ipv4(),
  },
  {
    name: 'userAgent',
    columns: /user_agent/,
    make:
      (_r, { faker }) =>
      () =>
        faker.internet.userAgent(),
  },
  {
    name: 'slug',
    columns: /slug/,
    make:
      (_r, { faker }) =>
      () =>
        faker.helpers.slugify(faker.word.words({ count: { min: 1, max: 3 } })).toLowerCase(),
  },
  {
    name: 'sku',
    columns: /sku|code|(^|_)ref$|reference/,
    make:
      (rnd, { faker }) =>
      () =>
        `${faker.string.alpha({ length: 3, casing: 'upper' })}-${rnd.int(1000, 9999)}`,
  },
  {
    name: 'title',
    columns: /title|subject|headline|summary|caption/,
    make:
      (_r, { faker }) =>
      () =>
        faker.company.catchPhrase(),
  },
  {
    name: 'paragraph',
    columns: /description|body|content|notes?$|comment|message|bio|text|details|remarks/,
    make:
      (_r, { faker }) =>
      () =>
        `${faker.hacker.phrase()} ${faker.company.catchPhrase()}.`,
  },
  {
    name: 'status',
    columns: /status|state|kind|type|category|plan|role|tier|stage/,
    make:
      (_r, { faker }) =>
      () =>
        faker.word.adjective(),
  },
  {
    name: 'tag',
    columns: /(^|_)(tag|label|keyword|topic)s?$/,
    make:
      (_r, { faker }) =>
      () =>
        faker.word.noun(),
  },
  {
    name: 'productName',
    columns: /product|item|name$/,
    make:
      (_r, { faker }) =>
      () =>
        faker.commerce.productName(),
  },
  {
    name: 'letters',
    columns: null,
    fits: (length) => length !== undefined && length <= 4,
    make:
      (_r, { faker }, length) =>
      () =>
        faker.string.alpha({ length: length ?? 4, casing: 'upper' }),
  },
  {
    name: 'words',
    columns: null,
    make:
      (_r, { faker }) =>
      () =>
        faker.word.words({ count: { min: 2, max: 4 } }),
  },
];

/** By name, for a seed file's "generators" and for the fallbacks below. */
export const NAMED: Readonly<Record<string, NamedGenerator>> = Object.fromEntries(LIST.map((g) => [g.name, g]));

/** The names a seed file may give a column's generator. */
export const GENERATOR_NAMES: readonly string[] = Object.keys(NAMED);

/** The generator a column's name asks for (first match in the list), or a short code for a short column. */
export function namedFor(column: string, length: number | undefined): NamedGenerator | undefined {
  const byName = LIST.find((g) => g.columns?.test(column) && (g.fits?.(length) ?? true));
  if (byName) return byName;
  return NAMED.letters!.fits!(length) ? NAMED.letters : undefined;
}
