import { BlockList, isIP } from 'node:net';
import { isFolder, type Target } from './target.js';
import { queryConnection } from './url-host.js';

/** Where postgres.js will connect for a URL: a Unix socket, or one or more TCP hosts (tried in order). */
export type DriverHosts = { socket: string } | { hosts: string[] };

/**
 * The hosts devdb's postgres.js client connects to for `url`: libpq's `?host=`, which devdb hands
 * to postgres.js as its option (url-host.ts, queryConnection); else as postgres.js's parseOptions
 * works it out (src/index.js in postgres 3.4): the host list between the first `://` and the first
 * `/` or `?`, after the first `@`, when it holds a comma; else the URL's hostname; else $PGHOST;
 * else localhost. A host string with a `/` in it is a Unix socket folder. `env` is devdb's
 * settings' (the target's pgEnv). Bracketed IPv6 literals are kept whole.
 */
export function driverHosts(url: string, env: NodeJS.ProcessEnv): DriverHosts {
  const fromQuery = queryConnection(url).options.host;
  if (fromQuery !== undefined) return hostsOf(fromQuery);
  const authority = url.slice(url.indexOf('://') + 3).split(/[?/]/)[0] ?? '';
  const hostPart = decodeURIComponent(authority.slice(authority.indexOf('@') + 1));
  const multihost = hostPart.includes(',') ? hostPart : '';
  const hostname = new URL(url.replace(hostPart, hostPart.split(',')[0] ?? '')).hostname;
  return hostsOf(multihost || hostname || env.PGHOST || 'localhost');
}

function hostsOf(host: string): DriverHosts {
  if (host.includes('/')) return { socket: host };
  return {
    hosts: host.split(',').map((entry) => (entry.startsWith('[') ? entry.slice(0, entry.indexOf(']') + 1) : (entry.split(':')[0] ?? ''))),
  };
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** `localhost`, or an address (parsed strictly, not by its first characters) in 127.0.0.0/8 or ::1. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (bare.toLowerCase() === 'localhost') return true;
  const family = isIP(bare);
  return family !== 0 && LOOPBACK.check(bare, family === 4 ? 'ipv4' : 'ipv6');
}

/**
 * True for a local folder and for servers on this machine: a Unix socket, or TCP hosts that
 * are all loopback. Destructive commands ask before touching anything else. A URL the rule cannot
 * read counts as remote, so doubt leads to a question rather than to a silent reset.
 */
export function isLocalTarget(target: Target, env?: NodeJS.ProcessEnv): boolean {
  if (isFolder(target)) return true;
  env ??= target.pgEnv ?? {};
  let where: DriverHosts;
  try {
    where = driverHosts(target.url, env);
  } catch {
    return false;
  }
  return 'socket' in where || where.hosts.every(isLoopbackHost);
}
