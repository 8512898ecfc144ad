import fs from 'node:fs';
import { DevdbError, type ErrorCode } from '../errors.js';

/** Settings files (.env, devdb.config.json, package.json, seed profiles) are small: anything bigger is the wrong file. */
export const MAX_INPUT_FILE_BYTES = 1024 * 1024;

export interface InputFileOptions {
  /** What the file is, for messages: "the seed profile". */
  what: string;
  /** The error code a refusal carries (E_CONFIG for settings, E_USAGE for a file named by a flag). */
  code?: ErrorCode;
  maxBytes?: number;
}

/**
 * A file devdb reads as input, as editors write it: a regular file only (a FIFO would block, /dev/zero
 * never ends), at most `maxBytes`, UTF-8 with its byte order mark dropped. Undefined when there is no
 * such file. Refusals name the file and never quote its contents.
 */
export function readInputFile(file: string, options: InputFileOptions): string | undefined {
  const code = options.code ?? 'E_CONFIG';
  const maxBytes = options.maxBytes ?? MAX_INPUT_FILE_BYTES;
  let fd: number;
  try {
    // Non-blocking, so that opening a FIFO returns at once to be refused instead of waiting for a writer.
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (error) {
    const errno = (error as NodeJS.ErrnoException).code;
    if (errno === 'ENOENT' || errno === 'ENOTDIR') return undefined;
    throw new DevdbError(code, `Cannot read ${options.what} ${file} (${errno ?? 'unreadable'}): fix its permissions or move it away.`);
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) {
      throw new DevdbError(
        code,
        `${capitalized(options.what)} ${file} is not a regular file (${kindOf(stat)}): point it at a JSON or text file.`,
      );
    }
    if (stat.size > maxBytes) throw tooBig(file, options, code);
    const buffer = Buffer.alloc(Math.min(stat.size, maxBytes) + 1);
    let length = 0;
    // A file that grows while it is read is still cut at the bound.
    for (let read = -1; read !== 0 && length < buffer.length; length += read)
      read = fs.readSync(fd, buffer, length, buffer.length - length, null);
    if (length > maxBytes) throw tooBig(file, options, code);
    return stripBom(buffer.toString('utf8', 0, length));
  } finally {
    fs.closeSync(fd);
  }
}

/** Editors on Windows (and some on macOS) start UTF-8 files with U+FEFF; it is not part of the content. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * JSON text parsed, or a refusal that says where it is broken (line and column) without quoting the
 * text: JSON.parse's own message shows a slice of the file, which may be anything (`--profile /etc/passwd`).
 */
export function parseJsonText(text: string, file: string, what: string, code: ErrorCode = 'E_CONFIG'): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const position = /at position (\d+)/.exec((error as Error).message);
    const where = position ? ` (line ${lineAndColumn(text, Number(position[1]))})` : '';
    throw new DevdbError(code, `${capitalized(what)} ${file} is not valid JSON${where}: fix it, or point at the right file.`);
  }
}

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `${before.length}, column ${before.at(-1)!.length + 1}`;
}

function tooBig(file: string, options: InputFileOptions, code: ErrorCode): DevdbError {
  const limit = options.maxBytes ?? MAX_INPUT_FILE_BYTES;
  return new DevdbError(code, `${capitalized(options.what)} ${file} is over ${limit} bytes, too big to be one: point at the right file.`);
}

function kindOf(stat: fs.Stats): string {
  if (stat.isDirectory()) return 'a folder';
  if (stat.isFIFO()) return 'a named pipe';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isSocket()) return 'a socket';
  return 'not a file';
}

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
