/**
 * The one redaction devdb applies to every line it prints or logs (stdout, stderr, `--json`,
 * DEBUG stacks) and to every URL it names in a message. Secrets reach devdb's output because
 * people put them where a name was expected (`--user "$TOKEN"`, `Bearer $TOKEN` as a key id) or
 * because an error quotes its input; so the rules look at the text, not at where it came from.
 *
 * - API tokens: `devdb_` and 20 or more base62 characters (a whole token has 36; a truncated or
 *   extended paste still carries most of the secret). The 8-character display prefix, which
 *   listings show anyway, stays so that people can tell which key they pasted.
 * - URL passwords: everything between `user:` and the LAST `@` of the word, because drivers
 *   (WHATWG URL, postgres.js) take the last `@` as the end of the password when it is not
 *   percent-encoded: `postgres://leaky:Le@kyPw9Q@host/db` logs in as leaky with `Le@kyPw9Q`.
 * - `password=` style parameters and assignments: `?password=`, `sslpassword=`, `PGPASSWORD=`.
 */

const TOKEN = /devdb_([0-9A-Za-z]{8})[0-9A-Za-z]{12,}/g;
/** scheme://userinfo@ where userinfo runs to the last `@` before whitespace; only userinfo with a `:` has a password. */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)(\S*)@/gi;
const PASSWORD_PARAMETER = /\b([A-Za-z_]*password=)("[^"]*"|'[^']*'|[^\s&"',;]+)/gi;

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

/** `text` with every secret devdb recognizes replaced, but the tokens registered with showSecret. */
export function redactSecrets(text: string, shown: ReadonlySet<string> = shownTokens): string {
  return text
    .replace(TOKEN, (token, prefix: string) => (shown.has(token) ? token : `devdb_${prefix}${REDACTED}`))
    .replace(URL_USERINFO, (_match, scheme: string, userinfo: string) => {
      const colon = userinfo.indexOf(':');
      if (colon === -1 || shown.has(safeDecode(userinfo.slice(colon + 1)))) return `${scheme}${userinfo}@`;
      return `${scheme}${userinfo.slice(0, colon)}:${REDACTED}@`;
    })
    .replace(PASSWORD_PARAMETER, (_match, key: string) => `${key}${REDACTED}`);
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
