import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { outputTarget, writeOutput } from '../../src/erd/index.js';

describe('writeOutput: erd --out never clobbers by accident', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-out-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('creates a new file (and its folders), leaving no temporary file behind', () => {
    const file = path.join(dir, 'a', 'b', 'erd.txt');
    expect(outputTarget(file)).toBe('new');
    writeOutput(file, 'x\n', { replace: false });
    expect(fs.readFileSync(file, 'utf8')).toBe('x\n');
    expect(fs.readdirSync(path.dirname(file))).toEqual(['erd.txt']);
  });

  it('refuses a file that exists (or appeared since it was checked) unless told to replace it', () => {
    const file = path.join(dir, 'erd.txt');
    fs.writeFileSync(file, 'mine\n');
    expect(outputTarget(file)).toBe('file');
    expect(() => writeOutput(file, 'x\n', { replace: false })).toThrow(
      expect.objectContaining({ code: 'E_CONFLICT', message: `${file} already exists; pass --yes to replace it.` }),
    );
    expect(fs.readFileSync(file, 'utf8')).toBe('mine\n');
  });

  it('keeps the mode of a file it replaces', () => {
    const file = path.join(dir, 'erd.txt');
    fs.writeFileSync(file, 'mine\n');
    fs.chmodSync(file, 0o640);
    writeOutput(file, 'x\n', { replace: true });
    expect([fs.readFileSync(file, 'utf8'), fs.statSync(file).mode & 0o777]).toEqual(['x\n', 0o640]);
  });

  it('writes through neither a symbolic link nor over a folder', () => {
    const target = path.join(dir, 'target.txt');
    fs.writeFileSync(target, 'target\n');
    fs.symlinkSync(target, path.join(dir, 'link.txt'));
    expect(() => outputTarget(path.join(dir, 'link.txt'))).toThrow(/is a symbolic link/);
    fs.mkdirSync(path.join(dir, 'folder.txt'));
    expect(() => outputTarget(path.join(dir, 'folder.txt'))).toThrow(/is not a regular file/);
    expect(fs.readFileSync(target, 'utf8')).toBe('target\n');
  });
});
