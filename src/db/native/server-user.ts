import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DevdbError } from '../../errors.js';

/**
 * PostgreSQL refuses to run as root. When devdb runs as root (containers, CI), initdb and the
 * server run as a dedicated unprivileged system user instead, made once with the system's own
 * tool; Node's spawn `uid`/`gid` options switch to it (libuv also drops the supplementary groups,
 * so only the user's own uid and primary gid count when checking what it can reach).
 */
export interface ServerUser {
  name: string;
  uid: number;
  gid: number;
}

export const SERVER_USER_NAME = 'devdb';

export function runningAsRoot(): boolean {
  return process.getuid?.() === 0;
}

/** The user PostgreSQL runs as: undefined means this process' own user (not root). */
export function serverUser(): ServerUser | undefined {
  if (!runningAsRoot()) return undefined;
  const existing = findUser(SERVER_USER_NAME);
  if (existing) return existing;
  const tool = userTool();
  if (!tool) throw new DevdbError('E_NOT_FOUND', noUserReason());
  try {
    execFileSync(tool.file, tool.args, { stdio: 'pipe' });
  } catch (error) {
    // Another devdb process may have made it a moment ago.
    if (!findUser(SERVER_USER_NAME)) {
      const stderr = String((error as { stderr?: Buffer }).stderr ?? '').trim();
      throw new DevdbError(
        'E_PATH',
        `Could not create the system user ${SERVER_USER_NAME} for PostgreSQL: ${stderr || (error as Error).message}.`,
      );
    }
  }
  const made = findUser(SERVER_USER_NAME);
  if (!made) throw new DevdbError('E_PATH', `The system user ${SERVER_USER_NAME} was created but cannot be found in /etc/passwd.`);
  return made;
}

/** Why root cannot get a server user here, or undefined when it can (it exists, or a tool can make it). */
export function serverUserProblem(): string | undefined {
  if (!runningAsRoot() || findUser(SERVER_USER_NAME) || userTool()) return undefined;
  return noUserReason();
}

function noUserReason(): string {
  return `PostgreSQL cannot run as root, and there is no user ${SERVER_USER_NAME} nor useradd/adduser to create one`;
}

function findUser(name: string): ServerUser | undefined {
  let passwd: string;
  try {
    passwd = fs.readFileSync('/etc/passwd', 'utf8');
  } catch {
    return undefined;
  }
  for (const line of passwd.split('\n')) {
    const [user, , uid, gid] = line.split(':');
    if (user === name && uid !== undefined && gid !== undefined) return { name, uid: Number(uid), gid: Number(gid) };
  }
  return undefined;
}

function userTool(): { file: string; args: string[] } | undefined {
  const shell = ['/usr/sbin/nologin', '/sbin/nologin'].find((file) => fs.existsSync(file)) ?? '/bin/false';
  const useradd = ['/usr/sbin/useradd', '/sbin/useradd'].find((file) => fs.existsSync(file));
  if (useradd) {
    return {
      file: useradd,
      args: ['--system', '--user-group', '--no-create-home', '--home-dir', '/nonexistent', '--shell', shell, SERVER_USER_NAME],
    };
  }
  // BusyBox (Alpine): -S system, -D no password, -H no home.
  const adduser = ['/usr/sbin/adduser', '/sbin/adduser', '/bin/adduser'].find((file) => fs.existsSync(file));
  if (adduser) return { file: adduser, args: ['-S', '-D', '-H', '-h', '/nonexistent', '-s', shell, SERVER_USER_NAME] };
  return undefined;
}

/**
 * Whether `user` can get to `target` (search permission on every folder from / down, and read on
 * the target itself). Undefined `user` is this process' own user, which made what it points at.
 * The nearest existing ancestor stands for a path not made yet.
 */
export function canReach(target: string, user: ServerUser | undefined): boolean {
  if (!user) return true;
  let existing = path.resolve(target);
  while (!fs.existsSync(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
  const real = fs.realpathSync(existing);
  const parts = real.split(path.sep).filter(Boolean);
  for (let i = 0; i <= parts.length; i++) {
    const folder = path.sep + parts.slice(0, i).join(path.sep);
    const stat = fs.statSync(folder);
    if (stat.isDirectory() && !allows(stat, user, 0o1)) return false;
  }
  return allows(fs.statSync(real), user, 0o4);
}

/** `bit` (4 read, 1 search/execute) in the owner, group or other triad that applies to `user`. */
function allows(stat: fs.Stats, user: ServerUser, bit: number): boolean {
  if (stat.uid === user.uid) return (stat.mode & (bit << 6)) !== 0;
  if (stat.gid === user.gid) return (stat.mode & (bit << 3)) !== 0;
  return (stat.mode & bit) !== 0;
}
