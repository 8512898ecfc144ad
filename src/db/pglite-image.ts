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
  const walk = (dir: string, prefix: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, entry.name);
      const name = `${prefix}${entry.name}`;
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
