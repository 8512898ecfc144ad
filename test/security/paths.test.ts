import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeError } from '../../src/cli/describe-error.js';
import { outputOf, type CliResult } from '../support/cli.js';
import { runInProcess } from '../support/run-command.js';

const bin = fileURLToPath(new URL('../../bin/run.js', import.meta.url));
const NOBODY = 65534;

/** devdb as a user who cannot write to a 0555 folder: root can, so root runs it as nobody. */
function runUnprivileged(args: string[]): Promise<CliResult> {
  const asNobody = process.getuid?.() === 0 ? { uid: NOBODY, gid: NOBODY } : {};
  const env = { ...process.env, HOME: os.tmpdir(), DATABASE_URL: '', DEVDB_DATA_DIR: '', DEBUG: '', NO_COLOR: '1' };
  return outputOf(spawn(process.execPath, [bin, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'], ...asNobody }));
}

describe('paths devdb cannot use', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-paths-'));
    fs.chmodSync(dir, 0o755);
    fs.writeFileSync(path.join(dir, 'a-file'), 'not a folder');
    fs.mkdirSync(path.join(dir, 'read-only'), { mode: 0o555 });
  });
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('--data-dir at a file, or under one, is a usage error in one line', async () => {
    const file = path.join(dir, 'a-file');
    const at = await runInProcess(['keys', 'list', '--data-dir', file]);
    expect({ code: at.code, stderr: at.stderr }).toEqual({
      code: 2,
      stderr: `Error: The embedded database folder ${file} is a file: point --data-dir (or DEVDB_DATA_DIR) at a folder; a missing one is created.\n`,
    });
    const under = await runInProcess(['migrate', 'status', '--data-dir', path.join(file, 'db')]);
    expect(under.code).toBe(2);
    expect(under.stderr).toBe(
      `Error: Cannot create the embedded database folder ${path.join(file, 'db')}: ${file} is a file. Point --data-dir (or DEVDB_DATA_DIR) elsewhere.\n`,
    );
    expect(fs.readFileSync(file, 'utf8')).toBe('not a folder');
  });

  it('--data-dir in a folder the user cannot write to fails in one line, --json too', async () => {
    const readOnly = path.join(dir, 'read-only');
    const inside = await runUnprivileged(['keys', 'list', '--data-dir', readOnly]);
    expect({ code: inside.code, stderr: inside.stderr }).toEqual({
      code: 1,
      stderr: `Error: Cannot write to the embedded database folder ${readOnly} (permission denied): fix its permissions, or point --data-dir at a folder you can write to.\n`,
    });
    const below = await runUnprivileged(['seed', '--data-dir', path.join(readOnly, 'db'), '--json']);
    expect(below.code).toBe(1);
    expect(JSON.parse(below.stdout)).toEqual({
      error: {
        code: 'E_PATH',
        message: `Cannot write to ${readOnly}, where the embedded database folder ${path.join(readOnly, 'db')} would be created (permission denied): fix its permissions, or point --data-dir at a folder you can write to.`,
        details: { path: readOnly, reason: 'EACCES' },
      },
    });
    expect(fs.readdirSync(readOnly)).toEqual([]);
  });

  it('any other path error names the path and the problem instead of "Unexpected error"', () => {
    const file = path.join(dir, 'a-file');
    const failures = [
      () => fs.mkdirSync(file),
      () => fs.writeFileSync(path.join(file, 'out.md'), ''),
      () => fs.readFileSync(path.join(dir, 'missing')),
    ];
    const reports = failures.map((fail) => {
      try {
        fail();
      } catch (error) {
        return describeError(error);
      }
      throw new Error('expected the file operation to fail');
    });
    expect(reports.map((r) => [r.code, r.exitCode, r.message])).toEqual([
      ['E_PATH', 1, `Cannot mkdir ${file}: something is already there (EEXIST). Check the path and its permissions, or choose another.`],
      [
        'E_PATH',
        1,
        `Cannot open ${file}/out.md: a part of the path is a file, not a folder (ENOTDIR). Check the path and its permissions, or choose another.`,
      ],
      ['E_PATH', 1, `Cannot open ${dir}/missing: no such file or folder (ENOENT). Check the path and its permissions, or choose another.`],
    ]);
  });
});
