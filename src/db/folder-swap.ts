import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { DevdbError } from '../errors.js';

/**
 * Folders replaced whole: a copy is made under a temporary name and renamed into place, the
 * folder it replaces renamed aside first. Names carry the pid of the process at work, so a later
 * process can tell a leftover of a crash from work in progress.
 */

/**
 * Copies a folder (a pgdata) to `to`, which must not exist, many files at a time: the copy is I/O
 * bound and a data folder holds about a thousand files. Written under a temporary name and renamed
 * into place, so `to` is either absent or whole.
 */
export async function copyFolder(from: string, to: string): Promise<void> {
  const temp = `${to}.partial-${process.pid}`;
  fs.rmSync(temp, { recursive: true, force: true });
  try {
    const files: [string, string][] = [];
    const walk = (source: string, target: string) => {
      fs.mkdirSync(target, { mode: fs.statSync(source).mode & 0o777 });
      for (const entry of fs.readdirSync(source, { withFileTypes: true })) {
        const s = path.join(source, entry.name);
        const t = path.join(target, entry.name);
        if (entry.isDirectory()) walk(s, t);
        else if (entry.isFile()) files.push([s, t]);
        // A data folder holds files and folders only: anything else (a socket, a pipe, a link) is not copied as if it were.
        else throw new DevdbError('E_PATH', `Cannot copy ${s}: it is neither a file nor a folder. Remove it, then try again.`);
      }
    };
    fs.mkdirSync(path.dirname(temp), { recursive: true });
    walk(from, temp);
    let next = 0;
    const worker = async () => {
      while (next < files.length) {
        const [s, t] = files[next++]!;
        await fs.promises.copyFile(s, t);
      }
    };
    await Promise.all(Array.from({ length: 16 }, worker));
    fs.renameSync(temp, to);
  } catch (error) {
    fs.rmSync(temp, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Puts `replacement` (a complete folder on the same file system) in the place of `target`: the old
 * one is renamed aside, the new one renamed in, the old one removed (by a process of its own with
 * `background`: removing a data folder's thousand files took 0.1-2.5 s here, which a restore need
 * not wait for). Between the two renames there is nothing at `target`; recoverFolders puts the old
 * one back should the process die right there.
 */
export function replaceFolder(target: string, replacement: string, options: { background?: boolean } = {}): void {
  const aside = `${target}.old-${process.pid}`;
  fs.rmSync(aside, { recursive: true, force: true });
  const had = fs.existsSync(target);
  if (had) fs.renameSync(target, aside);
  try {
    fs.renameSync(replacement, target);
  } catch (error) {
    if (had) fs.renameSync(aside, target);
    throw error;
  }
  if (options.background && had) removeInBackground(aside);
  else fs.rmSync(aside, { recursive: true, force: true });
}

/** Removes a folder in a detached process; should it die, recoverFolders removes the rest later (the name holds a pid that is gone). */
function removeInBackground(folder: string): void {
  const script = `require("node:fs").rmSync(${JSON.stringify(folder)}, { recursive: true, force: true })`;
  spawn(process.execPath, ['-e', script], { detached: true, stdio: 'ignore' }).unref();
}

/** The name of a folder being made for `target` by this process (a restore's copy): recoverFolders removes it if the process dies. */
export function pendingFolder(target: string): string {
  return `${target}.new-${process.pid}`;
}

const LEFTOVER = /^(.+)\.(old|new|partial)-(\d+)$/;

/**
 * After a crash in the middle of replaceFolder, the folder set aside comes back when nothing took
 * its place; copies and leftovers of processes that are gone are removed. Cheap when there is
 * nothing to do.
 */
export function recoverFolders(parent: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(parent);
  } catch {
    return;
  }
  for (const name of names) {
    const match = LEFTOVER.exec(name);
    if (!match) continue;
    const [, base, kind, pid] = match as unknown as [string, string, string, string];
    if (Number(pid) === process.pid || processAlive(Number(pid))) continue;
    const original = path.join(parent, base);
    if (kind === 'old' && !fs.existsSync(original)) fs.renameSync(path.join(parent, name), original);
    else fs.rmSync(path.join(parent, name), { recursive: true, force: true });
  }
}

/** Whether a process of this machine with that pid runs (one we may not signal still does). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Bytes of the regular files under `folder` (0 when it does not exist). */
export function folderSize(folder: string): number {
  let total = 0;
  try {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true, recursive: true })) {
      if (entry.isFile()) total += fs.statSync(path.join(entry.parentPath, entry.name)).size;
    }
  } catch {
    return 0;
  }
  return total;
}
