import fs from 'node:fs';
import path from 'node:path';

/**
 * A PGlite data folder as one tar archive, the form PGlite's `loadDataDir` takes to start an
 * in-memory database (and `dumpDataDir` writes). Made straight from a folder on disk (a PGlite
 * snapshot), so no PGlite has to start to make it. Plain ustar: one 512-byte header per entry,
 * the data padded to 512 bytes, two empty blocks at the end.
 */
const BLOCK = 512;

export function folderImage(folder: string): Buffer {
  const parts: Buffer[] = [];
  const skipped = unneededWal(folder);
  const walk = (dir: string, prefix: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, entry.name);
      const name = `${prefix}${entry.name}`;
      if (skipped.has(name)) continue;
      if (entry.isDirectory()) {
        parts.push(header(`${name}/`, 0, '5'));
        walk(full, `${name}/`);
      } else if (entry.isFile()) {
        const data = fs.readFileSync(full);
        parts.push(header(name, data.length, '0'), data, Buffer.alloc((BLOCK - (data.length % BLOCK)) % BLOCK));
      }
    }
  };
  walk(folder, '');
  parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}

/**
 * The WAL segments a folder shut down cleanly does not need, as `pg_wal/<name>`: all but those from
 * its last checkpoint's redo point to the checkpoint record, which is where PostgreSQL starts. The
 * rest are old segments and ones recycled ahead under future names (a native snapshot's small seed
 * copied into a PGlite left 8 segments of 16 MiB, 7 of them unneeded: two thirds of its image, and
 * a third of the image's load time). Nothing is skipped for
 * a folder that was not shut down cleanly (it replays from the redo point on), nor for a control
 * file of another layout than the one read here.
 */
function unneededWal(folder: string): Set<string> {
  let control: Buffer;
  try {
    control = fs.readFileSync(path.join(folder, 'global', 'pg_control'));
  } catch {
    return new Set();
  }
  // ControlFileData: pg_control_version at 8, state at 16 (1: DB_SHUTDOWNED), checkPoint at 32, checkPointCopy.redo at 40.
  if (control.length < 48 || !PG_CONTROL_VERSIONS.has(control.readUInt32LE(8)) || control.readUInt32LE(16) !== DB_SHUTDOWNED)
    return new Set();
  const checkpoint = control.readBigUInt64LE(32);
  const redo = control.readBigUInt64LE(40);
  const skipped = new Set<string>();
  const wal = path.join(folder, 'pg_wal');
  for (const entry of fs.readdirSync(wal, { withFileTypes: true })) {
    if (!entry.isFile() || !SEGMENT_NAME.test(entry.name)) continue;
    const size = BigInt(fs.statSync(path.join(wal, entry.name)).size);
    // The name is timeline, then the segment number split in two: (log, seg) with 2^32 / size segments per log.
    const segment = BigInt(`0x${entry.name.slice(8, 16)}`) * (0x100000000n / size) + BigInt(`0x${entry.name.slice(16)}`);
    // A checkpoint record in a segment's last page may run on into the next one, which is then kept too.
    const last = (checkpoint + WAL_PAGE) / size;
    if (segment < redo / size || segment > last) skipped.add(`pg_wal/${entry.name}`);
  }
  return skipped;
}

/** pg_control_version of PostgreSQL 18 (PGlite 0.5's): the offsets above are checked against it. */
const PG_CONTROL_VERSIONS = new Set([1800]);
const DB_SHUTDOWNED = 1;
const WAL_PAGE = 8192n;
const SEGMENT_NAME = /^[0-9A-F]{24}$/;

function header(name: string, size: number, type: '0' | '5'): Buffer {
  const block = Buffer.alloc(BLOCK);
  const bytes = Buffer.from(name, 'utf8');
  // Names up to 100 bytes go in `name`; longer ones are split at a slash into `prefix` (155) and `name`.
  if (bytes.length <= 100) bytes.copy(block, 0);
  else {
    const cut = name.lastIndexOf('/', name.length - 2);
    Buffer.from(name.slice(cut + 1), 'utf8').copy(block, 0);
    Buffer.from(name.slice(0, cut), 'utf8').copy(block, 345);
  }
  const octal = (value: number, width: number, at: number) => block.write(`${value.toString(8).padStart(width - 1, '0')}\0`, at, 'ascii');
  octal(type === '5' ? 0o755 : 0o644, 8, 100);
  octal(0, 8, 108);
  octal(0, 8, 116);
  octal(size, 12, 124);
  octal(Math.floor(Date.now() / 1000), 12, 136);
  block.write(type, 156, 'ascii');
  block.write('ustar\u000000', 257, 'ascii');
  // The checksum is computed with its own field as eight spaces.
  block.write('        ', 148, 'ascii');
  let sum = 0;
  for (const byte of block) sum += byte;
  block.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return block;
}
