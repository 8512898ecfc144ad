import fs from 'node:fs';
import path from 'node:path';
import { MAIN_BRANCH } from './devdb-names.js';
import { databaseOf } from './url-host.js';

/**
 * Which branch a project is on, like git's HEAD: a file in the project's local folder (./.devdb,
 * or the configured one), `branch.json`, mapping each database the project works on to its
 * current branch. The local folder's own database is the key `folder`; a server database is named
 * by `user@host:port/database` (never a password). Each developer has their own, as with git.
 */
export const POINTER_FILE = 'branch.json';
const FOLDER_KEY = 'folder';

type Pointers = Record<string, string>;

/** The key of a server database in branch.json: its URL without scheme or password. */
export function serverKey(url: string): string {
  const parsed = new URL(url);
  return `${decodeURIComponent(parsed.username)}@${parsed.hostname}:${parsed.port || '5432'}/${databaseOf(url)}`;
}

/** The current branch of the folder's database (url undefined) or of a server database; main when none was chosen. */
export function currentBranch(stateDir: string, url?: string): string {
  return read(stateDir)[url === undefined ? FOLDER_KEY : serverKey(url)] ?? MAIN_BRANCH;
}

/** Records the current branch; main removes the entry. Written whole and renamed into place, so a reader never sees half a file. */
export function setCurrentBranch(stateDir: string, branch: string, url?: string): void {
  const pointers = read(stateDir);
  const key = url === undefined ? FOLDER_KEY : serverKey(url);
  if (branch === MAIN_BRANCH) delete pointers[key];
  else pointers[key] = branch;
  fs.mkdirSync(stateDir, { recursive: true });
  const ignore = path.join(stateDir, '.gitignore');
  if (!fs.existsSync(ignore)) fs.writeFileSync(ignore, '*\n');
  const file = path.join(stateDir, POINTER_FILE);
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, JSON.stringify(pointers, null, 2) + '\n');
  fs.renameSync(temp, file);
}

function read(stateDir: string): Pointers {
  try {
    const parsed = JSON.parse(fs.readFileSync(path.join(stateDir, POINTER_FILE), 'utf8')) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      return Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
    }
  } catch {
    // No file (or an unreadable one): every database is on its main branch.
  }
  return {};
}
