import fs from 'node:fs';
import path from 'node:path';
import { findPackage, SYSTEM_DIR } from './binaries.js';
import { canReach, runningAsRoot, serverUserProblem, SERVER_USER_NAME } from './server-user.js';

/**
 * Why a new folder in `dataDir` cannot be a native PostgreSQL here, or undefined when it can: the
 * platform package is installed, and as root there is (or can be) a server user that reaches the
 * binaries and the folder, or SYSTEM_DIR can hold copies of them. Cheap: files are looked at, no
 * process is started and no module loaded.
 */
export function nativeProblem(dataDir: string): string | undefined {
  // PostgreSQL's Windows build listens on no Unix socket Node can reach (Node's paths there are named pipes), and has no SIGINT.
  if (process.platform === 'win32') return 'devdb runs its PostgreSQL server on Linux and macOS only';
  const found = findPackage();
  if ('missing' in found) return found.missing;
  if (!runningAsRoot()) return undefined;
  const userProblem = serverUserProblem();
  if (userProblem) return userProblem;
  // A user not made yet reaches what every user reaches.
  const user = { name: SERVER_USER_NAME, uid: -1, gid: -1 };
  const needsSystemDir = !canReach(path.join(found.dir, 'native'), user) || !canReach(dataDir, user);
  if (needsSystemDir && !writable(SYSTEM_DIR)) {
    return `PostgreSQL cannot run as root, its user ${SERVER_USER_NAME} cannot reach ${dataDir} or the binaries, and ${SYSTEM_DIR} cannot be written to hold them`;
  }
  return undefined;
}

function writable(folder: string): boolean {
  let existing = folder;
  while (!fs.existsSync(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
  try {
    fs.accessSync(existing, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
