/**
 * postgres.js splits the URL's host on ":" to find a port, so an IPv6 literal (`[::1]`) becomes "[" and
 * fails with "host name does not resolve". For such a URL the host and port are handed over separately;
 * every other URL (names, IPv4, host lists, sockets) is left to postgres.js as it is.
 */
export function ipv6HostOptions(url: string): { host?: string; port?: number } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return {};
  }
  if (!parsed.hostname.startsWith('[')) return {};
  // One-element lists: postgres.js takes them as they are (its multi-host form), where a string would be split on ":".
  // Its type declarations name only the string form.
  const host = [parsed.hostname.slice(1, -1)] as unknown as string;
  const port = [parsed.port === '' ? 5432 : Number(parsed.port)] as unknown as number;
  return { host, port };
}

/** The database a URL names, as postgres.js picks it: the path, else the user's name. */
export function databaseOf(url: string): string {
  const parsed = new URL(url);
  return decodeURIComponent(parsed.pathname.slice(1)) || decodeURIComponent(parsed.username) || 'postgres';
}

/** The same URL (credentials, host, options) naming another database on that server. */
export function withDatabaseName(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(database)}`;
  return parsed.toString();
}
