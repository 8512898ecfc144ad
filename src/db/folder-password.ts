import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The password of a local folder's server, in `<folder>/password` (mode 0600, owned by whoever
 * made the folder): the native engine's superuser password, and the one the served PGlite asks of
 * its clients. Another local user can reach the port on 127.0.0.1 but cannot read this file.
 */
export const PASSWORD_FILE = 'password';

/** Writes a new random password (replacing any) and returns it. */
export function newFolderPassword(dataDir: string): string {
  const password = randomBytes(24).toString('base64url');
  const file = path.join(dataDir, PASSWORD_FILE);
  fs.rmSync(file, { force: true });
  fs.writeFileSync(file, `${password}\n`, { mode: 0o600 });
  return password;
}

/** The folder's password, or undefined when it has none (a folder made before served PGlite asked for one). */
export function readFolderPassword(dataDir: string): string | undefined {
  try {
    return fs.readFileSync(path.join(dataDir, PASSWORD_FILE), 'utf8').trim() || undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The folder's password, made on first use. */
export function folderPassword(dataDir: string): string {
  return readFolderPassword(dataDir) ?? newFolderPassword(dataDir);
}

/** `url` with `password` in it (unchanged without one). */
export function withPassword(url: string, password: string | undefined): string {
  if (password === undefined) return url;
  const parsed = new URL(url);
  parsed.password = encodeURIComponent(password);
  return parsed.toString();
}
