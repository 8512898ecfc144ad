import fs from 'node:fs';
import path from 'node:path';
import { DevdbError } from '../errors.js';

/** What is at the --out path now: nothing, a file to replace (with --force), or something never to replace. */
export function outputTarget(file: string): 'new' | 'file' {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(file);
  } catch {
    return 'new';
  }
  if (stat.isSymbolicLink())
    throw new DevdbError(
      'E_INVALID',
      `${file} is a symbolic link; devdb erd writes only regular files, so pass --out with the file it points to.`,
    );
  if (!stat.isFile()) throw new DevdbError('E_INVALID', `${file} exists and is not a regular file; choose a file path for --out.`);
  return 'file';
}

/**
 * Writes next to the target, then moves it into place, so a failed run never leaves half a
 * diagram behind. A new file is linked into place (link(2) fails if a file appeared meanwhile,
 * so nothing is overwritten by a race); a replaced file keeps its mode and, where permitted,
 * its owner, so `--force` on a 0600 file leaves a 0600 file.
 */
export function writeOutput(file: string, content: string, options: { replace: boolean }): void {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const existing = outputTarget(file) === 'file' ? fs.statSync(file) : undefined;
    if (existing && !options.replace) throw Object.assign(new Error('exists'), { code: 'EEXIST' });
    fs.rmSync(temp, { force: true });
    fs.writeFileSync(temp, content, { mode: existing ? existing.mode & 0o7777 : 0o666, flag: 'wx' });
    if (existing) {
      fs.chmodSync(temp, existing.mode & 0o7777);
      if (process.getuid?.() === 0) fs.chownSync(temp, existing.uid, existing.gid);
      fs.renameSync(temp, file);
    } else {
      linkOrCopy(temp, file);
      fs.rmSync(temp, { force: true });
    }
  } catch (error) {
    fs.rmSync(temp, { force: true });
    if (error instanceof DevdbError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new DevdbError('E_CONFLICT', `${file} already exists; pass --yes to replace it.`);
    throw new DevdbError('E_INVALID', `Could not write ${file}: ${code ?? (error as Error).message}; choose a writable path for --out.`, {
      cause: error,
    });
  }
}

/** link(2) where the file system has hard links, else an exclusive copy: either fails if `file` exists. */
function linkOrCopy(temp: string, file: string): void {
  try {
    fs.linkSync(temp, file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV') throw error;
    fs.copyFileSync(temp, file, fs.constants.COPYFILE_EXCL);
  }
}
