import type { Random } from '../random.js';
import { pooled, type PoolName } from './pools.js';
import type { ValueContext } from './values.js';

/**
 * The text generators a column gets by its name, and a seed file may name for any text
 * column (`"generators": { "contact": "email" }`). One list: the name patterns, the names a
 * seed file accepts and what `seed --dry-run` prints all come from here.
 */
export interface NamedGenerator {
  name: string;
  /** Column names that get it without being told (as nameKey spells them); null: only when named. */
  columns: RegExp | null;
  /** For a column called just `name`: the tables whose rows it names (people, companies, products). */
  tables?: RegExp;
  /** Where it fits only a short column (country codes, state abbreviations). */
  fits?: (length: number | undefined) => boolean;
  make(rnd: Random, ctx: ValueContext, length: number | undefined): () => string;
}

/**
 * A column's or table's name as the name patterns read it: lower-case words joined by `_`,
 * whatever the schema's convention (`passwordHash`, `PasswordHash` and `password_hash` alike;
 * `userID` and `HTTPStatus` as `user_id` and `http_status`), so a camelCase schema (Prisma,
 * TypeORM, Sequelize) gets the generators a snake_case one does.
 */
export function nameKey(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[\s-]+/g, '_')
    .toLowerCase();
}

/** A generator whose every value is one pool's. */
const fake = (name: string, columns: RegExp | null, pool: PoolName, more: Partial<NamedGenerator> = {}): NamedGenerator => ({
  name,
  columns,
  ...more,
  make: (rnd, { pools }) => pooled(rnd, pools(pool)),
});

/** A generator that picks one of a few fixed values. */
const few = (name: string, columns: RegExp, values: readonly string[]): NamedGenerator => ({
  name,
  columns,
  make: (rnd) => () => rnd.pick(values),
});

function letters(rnd: Random, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += String.fromCharCode(65 + rnd.int(0, 25));
  return out;
}

const BASE36 = '0123456789abcdefghijklmnopqrstuvwxyz';
/** The reserved example domains (RFC 2606) emails and host names are on: a seeded database can never mail a real person. */
const EXAMPLE_DOMAINS = ['example.com', 'example.org', 'example.net'] as const;

const PEOPLE =
  /user|customer|person|people|staff|employee|member|author|contact|patient|student|teacher|driver|owner|client|player|guest|account_holder/;
const COMPANIES = /compan|organi[sz]ation|vendor|supplier|brand|merchant|partner|store|shop|agency|firm|employer/;
const PRODUCTS = /product|item|article|good|sku|menu|dish/;

const LIST: NamedGenerator[] = [
  {
    name: 'passwordHash',
    columns: /^(password|passwd|password_hash|password_digest|hashed_password|encrypted_password|passwd_hash|pw_hash)$/,
    // The development password (README), so a seeded account can sign in to the application.
    make: (_rnd, ctx) => () => ctx.passwordHash,
  },
  {
    name: 'email',
    columns: /email/,
    // On the reserved example domains (RFC 2606): a seeded database can never mail a real person.
    make: (rnd, { pools }) => {
      const first = pooled(rnd, pools('asciiFirstName'));
      const last = pooled(rnd, pools('asciiLastName'));
      return () => `${first()}.${last()}@${rnd.pick(EXAMPLE_DOMAINS)}`;
    },
  },
  fake('firstName', /^(first_?name|given_name|forename)$/, 'firstName'),
  fake('lastName', /^(last_?name|surname|family_name)$/, 'lastName'),
  {
    name: 'fullName',
    columns: /^(full_?name|display_?name|contact_name|author_name|customer_name|person_name|owner_name|name)$/,
    tables: PEOPLE,
    make: (rnd, { pools }) => {
      const first = pooled(rnd, pools('firstName'));
      const last = pooled(rnd, pools('lastName'));
      return () => `${first()} ${last()}`;
    },
  },
  {
    name: 'username',
    columns: /^(user_?name|login|handle|nick_?name|screen_name)$/,
    make: (rnd, { pools }) => {
      const first = pooled(rnd, pools('asciiFirstName'));
      return () => `${first()}${rnd.int(1, 999)}`;
    },
  },
  fake('company', /company|organi[sz]ation|vendor|supplier|employer|brand|^name$/, 'company', { tables: COMPANIES }),
  fake('productName', /product|item|^name$/, 'productName', { tables: PRODUCTS }),
  fake('url', /(^|_)(url|website|homepage|link|uri)$/, 'url'),
  fake('phone', /phone|mobile|fax/, 'phone'),
  {
    ...fake('countryCode', /country/, 'countryCode'),
    fits: (length) => length !== undefined && length <= 3,
    make: (rnd, { pools }, length) => pooled(rnd, pools(length === 3 ? 'countryCode3' : 'countryCode')),
  },
  fake('country', /country|^name$/, 'country', { tables: /countr/ }),
  fake('currency', /currency/, 'currency'),
  fake('city', /city|town|^name$/, 'city', { tables: /^(cit|town)/ }),
  fake('street', /street|address/, 'street'),
  fake('zip', /zip|postal|postcode/, 'zip'),
  fake('stateCode', /state|province/, 'stateCode', { fits: (length) => length === 2 }),
  { name: 'region', columns: /region|zone/, make: (rnd) => () => rnd.pick(['eu-west', 'eu-central', 'us-east', 'us-west', 'ap-south']) },
  fake('timeZone', /time_?zone|(^|_)tz$/, 'timeZone'),
  {
    name: 'locale',
    columns: /locale|language|lang$/,
    make: (rnd) => () => rnd.pick(['en-US', 'en-GB', 'de-DE', 'fr-FR', 'es-ES', 'ja-JP']),
  },
  fake('color', /colou?r/, 'color'),
  fake('ip', /(^|_)(ip|ip_address|remote_addr)$/, 'ip'),
  fake('userAgent', /user_agent/, 'userAgent'),
  fake('slug', /slug/, 'slug'),
  {
    // A text key with no default (Prisma's `String @id @default(cuid())` is filled by the client):
    // a cuid's shape, 'c' and 24 base-36 characters, cut to a shorter column.
    name: 'textId',
    columns: /^(id|cuid)$|(^|_)(id|uid)$/,
    make: (rnd, _ctx, length) => {
      const size = Math.min(length ?? 25, 25);
      return () => {
        let out = 'c';
        while (out.length < size) out += BASE36[rnd.int(0, 35)];
        return out.slice(0, size);
      };
    },
  },
  { name: 'sku', columns: /sku|code|(^|_)ref$|reference/, make: (rnd) => () => `${letters(rnd, 3)}-${rnd.int(1000, 9999)}` },
  {
    name: 'serialNumber',
    columns: /^serial(_?(no|num|number))?$/,
    make: (rnd) => () => `SN-${rnd.hex(5).toUpperCase()}`,
  },
  {
    // Tokens, checksums and fingerprints are hex in most schemas; as long as the column takes, 64 characters at most.
    name: 'hex',
    columns: /(^|_)(token|secret|checksum|hash|digest|fingerprint|nonce|etag|api_key|access_key|license_key|session_key|idempotency_key)$/,
    make: (rnd, _ctx, length) => {
      const size = Math.ceil(Math.min(length ?? 64, 64) / 2);
      return () => rnd.hex(size).slice(0, length ?? 64);
    },
  },
  {
    name: 'mimeType',
    columns: /^(mime_?type|content_type|media_type)$/,
    make: (rnd) => () => rnd.pick(['image/png', 'image/jpeg', 'application/pdf', 'text/plain', 'text/csv', 'application/json']),
  },
  {
    name: 'fileName',
    columns: /^(file_?name|original_?name|attachment_name)$/,
    make: (rnd, { pools }) => {
      const word = pooled(rnd, pools('word'));
      return () => `${word()}-${rnd.int(1, 999)}.${rnd.pick(['pdf', 'png', 'jpg', 'csv', 'txt', 'docx'])}`;
    },
  },
  {
    // On the reserved example domains (RFC 2606), as emails are.
    name: 'domain',
    columns: /^(domain|host_?name|host|subdomain)$/,
    make: (rnd, { pools }) => {
      const word = pooled(rnd, pools('word'));
      return () =>
        `${
          word()
            .toLowerCase()
            .replace(/[^a-z0-9]+/g, '') || 'site'
        }.${rnd.pick(EXAMPLE_DOMAINS)}`;
    },
  },
  {
    name: 'imageUrl',
    columns: /^(avatar|image|photo|picture|logo|thumbnail|icon)$/,
    make: (rnd) => () => `https://images.example.com/${rnd.hex(8)}.${rnd.pick(['png', 'jpg', 'webp'])}`,
  },
  fake('title', /title|subject|headline|summary|caption/, 'title'),
  {
    name: 'paragraph',
    columns: /description|body|content|notes?$|comment|message|bio|text|details|remarks|reason/,
    make: (rnd, { pools }) => {
      const phrase = pooled(rnd, pools('phrase'));
      const catchPhrase = pooled(rnd, pools('title'));
      return () => `${phrase()} ${catchPhrase()}.`;
    },
  },
  // Columns of a few values: a real table holds a handful of states, roles or kinds, not a new word per row.
  few('status', /status|state|stage/, ['active', 'pending', 'inactive', 'archived', 'draft', 'completed']),
  few('role', /role/, ['member', 'admin', 'owner', 'viewer', 'editor']),
  few('plan', /plan|tier/, ['free', 'pro', 'premium', 'enterprise']),
  few('method', /method/, ['card', 'bank_transfer', 'paypal', 'invoice']),
  {
    name: 'kind',
    columns: /kind|type|category|action/,
    // Six of the tag pool's nouns, the same for every row of the column.
    make: (rnd, { pools }) => {
      const noun = pooled(rnd, pools('tag'));
      const kinds = [...new Set(Array.from({ length: 6 }, noun))];
      return () => rnd.pick(kinds);
    },
  },
  fake('tag', /(^|_)(tag|label|keyword|topic)s?$/, 'tag'),
  fake('label', /name$/, 'label'),
  {
    name: 'letters',
    columns: null,
    fits: (length) => length !== undefined && length <= 4,
    make: (rnd, _ctx, length) => () => letters(rnd, length ?? 4),
  },
  {
    name: 'words',
    columns: null,
    make: (rnd, { pools }) => {
      const word = pooled(rnd, pools('word'));
      return () => {
        let out = word();
        for (let n = rnd.int(2, 4); n > 1; n--) out += ` ${word()}`;
        return out;
      };
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
