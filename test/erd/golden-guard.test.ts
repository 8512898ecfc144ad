import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { expectGolden } from './golden.js';

describe('UPDATE_GOLDEN cannot make a test pass by accident', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-golden-'));
    fs.writeFileSync(path.join(dir, 'x.txt'), 'old\n');
    vi.stubEnv('UPDATE_GOLDEN', '');
    vi.stubEnv('CI', '');
  });
  afterEach(() => {
    vi.unstubAllEnvs();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('fails on a difference without it, and on a missing golden', () => {
    expect(() => expectGolden('x.txt', 'new\n', dir)).toThrow();
    expect(() => expectGolden('missing.txt', 'new\n', dir)).toThrow(/No golden file/);
    expectGolden('x.txt', 'old\n', dir);
  });

  it('rewrites a differing golden but still fails the run, asking for review', () => {
    vi.stubEnv('UPDATE_GOLDEN', '1');
    expect(() => expectGolden('x.txt', 'new\n', dir)).toThrow(/Rewrote .*x\.txt: review it with git diff/);
    expect(fs.readFileSync(path.join(dir, 'x.txt'), 'utf8')).toBe('new\n');
    // The second run (the golden now matches) passes.
    expectGolden('x.txt', 'new\n', dir);
  });

  it('is refused under CI=true, leaving the golden as it was', () => {
    vi.stubEnv('UPDATE_GOLDEN', '1');
    vi.stubEnv('CI', 'true');
    expect(() => expectGolden('x.txt', 'new\n', dir)).toThrow(/refused under CI=true/);
    expect(fs.readFileSync(path.join(dir, 'x.txt'), 'utf8')).toBe('old\n');
  });
});
