import dns from 'node:dns/promises';
import net from 'node:net';
import { isLoopbackHost } from '../db/local-target.js';
import { DevdbError, usageError } from '../errors.js';

export function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '';
}

/**
 * The address a --host listens on, as the system reads it for listen(): an IP as written, anything
 * else resolved once (`0` and `0x0` are 0.0.0.0 to inet_aton, `localhost` is loopback). The server
 * then listens on that address, so the warning and the URL are about what is really bound.
 */
export async function listenAddress(host: string): Promise<string> {
  if (net.isIP(host)) return host;
  try {
    return (await dns.lookup(host)).address;
  } catch {
    throw usageError(`--host ${host} is neither an address nor a name this machine resolves: give an IP address such as 127.0.0.1.`);
  }
}

/** Said whenever the server listens beyond loopback (127.0.0.0/8, ::1): a native server asks for its password; PGlite's has none. */
export function exposureWarning(address: string, hasPassword = false): string | undefined {
  if (isLoopbackHost(address)) return undefined;
  const where = isWildcard(address) ? `every interface (${address || '0.0.0.0'})` : address;
  return hasPassword
    ? `Warning: serving on ${where}, reachable from other machines (with the folder's password).`
    : `Warning: serving on ${where}, reachable from other machines, with no password. Use it only on a network you trust.`;
}

/** The URL clients use: a wildcard listen address is reached through loopback. */
export function servedUrl(host: string, port: number): string {
  const where = isWildcard(host) ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `postgres://postgres@${where}:${port}/postgres`;
}

export function isPortFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}

/** The first free port from `start` on (a handful tried), else one the system picks. */
export async function freePortNear(start: number, host: string): Promise<number> {
  for (let port = start; port < start + 20 && port < 65_536; port++) {
    if (await isPortFree(port, host)) return port;
  }
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/** A taken port, said with one that is free right now. */
export async function portInUse(port: number, host: string): Promise<DevdbError> {
  const free = await freePortNear(port + 1, host);
  return new DevdbError(
    'E_PORT_IN_USE',
    `Port ${port} on ${host} is already in use by another program: choose another one, e.g. --port ${free} (free right now).`,
    {
      details: { port, freePort: free },
    },
  );
}
