import fs from 'node:fs';
import { DevdbError } from '../errors.js';

/** The last line of a log (its last 4 KiB read), for a message that says what the server said last. */
export function lastLogLine(file: string): string | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const size = fs.fstatSync(fd).size;
    const tail = Buffer.alloc(Math.min(size, 4096));
    fs.readSync(fd, tail, 0, tail.length, size - tail.length);
    return tail.toString('utf8').trim().split('\n').at(-1)?.trim() || undefined;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * Why a detached server did not start: the error it logged, else a full disk (it may have had no
 * room to log anything), else its exit code. An empty log is removed: it says nothing.
 */
export function startFailure(dataDir: string, logFile: string, code: number | null): DevdbError {
  const text = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
  const error = text
    .trim()
    .split('\n')
    .reverse()
    .find((line) => line.startsWith('Error: '));
  if (text.trim() === '') fs.rmSync(logFile, { force: true });
  if (error) return new DevdbError('E_CONNECT', `The server did not start: ${error.slice('Error: '.length)}`);
  const free = freeBytes(dataDir);
  if (free !== undefined && free < 1024 * 1024) {
    return new DevdbError(
      'E_CONNECT',
      `The server did not start: the disk holding ${dataDir} is full (${free} bytes free); free some space and try again.`,
    );
  }
  return new DevdbError('E_CONNECT', `The server did not start: it exited with code ${code}${text.trim() ? `; see ${logFile}` : ''}.`);
}

function freeBytes(dir: string): number | undefined {
  try {
    const stats = fs.statfsSync(dir);
    return stats.bavail * stats.bsize;
  } catch {
    return undefined;
  }
}
