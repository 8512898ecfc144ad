import { inspect } from 'node:util';
import { escapeControlChars } from './control-chars.js';

/**
 * The one redaction devdb applies to every line it prints or logs (stdout, stderr, `--json`,
 * DEBUG output, server.log) and to every URL it names in a message. Secrets reach devdb's output
 * because people put them where a name was expected (`--user "$TOKEN"`), because an error or a
 * library's debug line quotes its input (oclif prints argv under DEBUG=*), or because a URL is
 * named in a message; so the rules look at the text, not at where it came from:
 *
 * - API tokens: `devdb_` and 20 or more base62 characters (a whole token has 36; a truncated or
 *   extended paste still carries most of the secret). The 8-character display prefix, which
 *   listings show anyway, stays so that people can tell which key they pasted.
 * - URL passwords: everything between `user:` and the LAST `@` of the word, because drivers
 *   (WHATWG URL, postgres.js) take the last `@` as the end of the password when it is not
 *   percent-encoded: `postgres://leaky:Le@kyPw9Q@host/db` logs in as leaky with `Le@kyPw9Q`.
 * - Password-like keywords and assignments: libpq's `password = 'x y'` (spaces around `=`, quoted
 *   values that may hold spaces, quotes and line breaks), URL parameters (`?password=`,
 *   `&sslpassword=`), environment assignments (`PGPASSWORD=`, `DEVDB_API_KEY_PEPPER=`), JSON
 *   (`"password": "…"`) and SQL (`PASSWORD '…'`).
 * - The secrets this process was given (registerSecret: the passwords of the URLs in its arguments
 *   and environment, PGPASSWORD, the pepper), wherever they appear in one of those places, in
 *   every spelling a printer may give them (percent-encoded or not, JSON- or inspect-escaped).
 *   A password can hold a space or a line break, which no rule on the text alone can see the end
 *   of. Bare occurrences stay: a password such as `postgres` would blank every mention of the word.
 */

const TOKEN = /devdb_([0-9A-Za-z]{8})[0-9A-Za-z]{12,}/g;
/** scheme://userinfo@ where userinfo runs to the last `@` before whitespace; only userinfo with a `:` has a password. */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)(\S*)@/gi;
/**
 * The word that ends the names under which secrets are written: password (sslpassword, PGPASSWORD),
 * passwd, pepper (DEVDB_API_KEY_PEPPER), secret (client_secret). Matched alone: what comes before it
 * stays as it is, and a pattern that starts with the word is fast on long output.
 */
const SECRET_KEY = String.raw`(?:password|passwd|pepper|secret)`;
const SECRET_WORD = new RegExp(SECRET_KEY, 'i');
/**
 * A value as libpq, shells and dotenv write it: a run of single-quoted parts (libpq lets a backslash
 * escape a quote in them, a shell does not), double-quoted parts, backslash-escaped characters and
 * unquoted characters (a quote that is never closed among them), up to whitespace or `&` (the next
 * URL parameter). `'it'\''s'` (a shell's quote in quotes) is one value. In doubt it takes more.
 */
const VALUE = String.raw`(?:'(?:[^'\\]|\\[\s\S])*'|'[^']*'|"(?:[^"\\]|\\[\s\S])*"|\\[\s\S]|[^\s&])+`;
const ASSIGNMENT = new RegExp(String.raw`(${SECRET_KEY}\s*=\s*)${VALUE}`, 'gi');
const JSON_MEMBER = new RegExp(String.raw`(${SECRET_KEY}"\s*:\s*)"(?:[^"\\]|\\.)*"`, 'gi');
/** CREATE ROLE … PASSWORD 'x', as a server may quote a session's last statement. */
const SQL_PASSWORD = /\b(PASSWORD\s+)'(?:[^']|'')*'/gi;

export const REDACTED = '***';

/** The secrets this process prints on purpose (keys create and rotate register their token, devdb url its password); no other passes. */
const shownTokens = new Set<string>();

export function showSecret(token: string): string {
  shownTokens.add(token);
  return token;
}

/** Ends what showSecret allowed, once the command that printed the tokens is done with its output. */
export function forgetShownSecrets(): void {
  shownTokens.clear();
}

/** Every spelling of each registered secret, longest first, and the pattern that finds them in their places. */
const spellings = new Set<string>();
let registered: RegExp | undefined;

/**
 * Makes `secret` (a password, a pepper) redacted wherever it stands as a URL's password (`:secret@`)
 * or as the value of a password-like keyword (`PGPASSWORD=secret`), however it is spelled there.
 */
export function registerSecret(secret: string): void {
  if (secret === '') return;
  const before = spellings.size;
  for (const spelling of spellingsOf(secret)) if (spelling !== '') spellings.add(spelling);
  if (spellings.size === before) return;
  const alternatives = [...spellings]
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp)
    .join('|');
  registered = new RegExp(String.raw`(:)(?:${alternatives})(?=@)|(${SECRET_KEY}\s*=\s*['"]?)(?:${alternatives})`, 'gi');
}

/** The secrets in a URL: its userinfo password and its `password` / `sslpassword` parameters, as written and as parsed. */
export function registerUrlSecrets(text: string): void {
  const scheme = text.indexOf('://');
  if (scheme === -1) return;
  // As written: the password runs from the first ':' of the userinfo to the last '@' (what drivers read).
  const afterScheme = text.slice(scheme + 3);
  const at = afterScheme.lastIndexOf('@');
  const colon = afterScheme.indexOf(':');
  if (at !== -1 && colon !== -1 && colon < at) registerSecret(afterScheme.slice(colon + 1, at));
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return;
  }
  if (url.password !== '') registerSecret(url.password);
  for (const [key, value] of url.searchParams) if (/password/i.test(key)) registerSecret(value);
}

/** Forgets every registered secret (tests). */
export function forgetRegisteredSecrets(): void {
  spellings.clear();
  registered = undefined;
}

/** `text` with every secret devdb recognizes replaced, but the tokens registered with showSecret. */
export function redactSecrets(text: string, shown: ReadonlySet<string> = shownTokens): string {
  let out = text;
  if (registered) {
    out = out.replace(registered, (match: string, colon?: string, key?: string) => {
      const prefix = colon ?? key ?? '';
      // A secret this command prints on purpose (devdb url's password) stays, as URL_USERINFO leaves it below.
      const secret = match.slice(prefix.length);
      return shown.has(secret) || shown.has(safeDecode(secret)) ? match : `${prefix}${REDACTED}`;
    });
  }
  // Each rule runs only where its anchor is: output of megabytes (an ERD as JSON) holds few of them.
  if (out.includes('devdb_'))
    out = out.replace(TOKEN, (token, prefix: string) => (shown.has(token) ? token : `devdb_${prefix}${REDACTED}`));
  if (out.includes('://')) {
    out = out.replace(URL_USERINFO, (match: string, scheme: string, userinfo: string) => {
      const colon = userinfo.indexOf(':');
      if (colon === -1 || shown.has(safeDecode(userinfo.slice(colon + 1)))) return match;
      return `${scheme}${userinfo.slice(0, colon)}:${REDACTED}@`;
    });
  }
  if (!SECRET_WORD.test(out)) return out;
  return out
    .replace(JSON_MEMBER, (_match, key: string) => `${key}"${REDACTED}"`)
    .replace(ASSIGNMENT, (_match, key: string) => `${key}${REDACTED}`)
    .replace(SQL_PASSWORD, (_match, keyword: string) => `${keyword}'${REDACTED}'`);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** The URL with its password (and any `password=` parameter) replaced, for messages and logs. */
export function redactUrl(url: string): string {
  return redactSecrets(url, new Set());
}

/** How a printer may spell `secret`: raw, percent-encoded (and decoded), JSON- and inspect-escaped, control characters shown. */
function spellingsOf(secret: string): string[] {
  const forms = new Set([secret, encodeURIComponent(secret), encodeURI(secret)]);
  try {
    forms.add(decodeURIComponent(secret));
  } catch {
    // Not percent-encoding: the raw form is the only one.
  }
  for (const form of [...forms]) {
    forms.add(JSON.stringify(form).slice(1, -1));
    forms.add(inspect(form).slice(1, -1));
    forms.add(escapeControlChars(form));
  }
  return [...forms];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}
