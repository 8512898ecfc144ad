import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LIMITS, loadProfile } from '../../src/seed/index.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'devdb-profile-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

// The profile file as JSON: tests reach into it by path, as a user editing it would.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ProfileJson = Record<string, any>;

/** The default profile with one change, written to a file of its own. */
function profileWith(change: (p: ProfileJson) => void): string {
  const profile = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, '../../seeds/default.json'), 'utf8'));
  change(profile);
  const file = path.join(dir, `p${fs.readdirSync(dir).length}.json`);
  fs.writeFileSync(file, JSON.stringify(profile));
  return file;
}

describe('seed profile bounds', () => {
  it('accepts the default profile, every count within its documented bound', () => {
    expect(() => loadProfile()).not.toThrow();
  });

  it.each([
    [
      'scales.large.users',
      1e9,
      (p: ProfileJson): void => {
        p.scales.large.users = 1e9;
      },
      LIMITS.users,
    ],
    [
      'scales.medium.heartbeatsPerWorker',
      1e8,
      (p: ProfileJson): void => {
        p.scales.medium.heartbeatsPerWorker = 1e8;
      },
      LIMITS.heartbeatsPerWorker,
    ],
    [
      'tiers.pro.tasksPerProject[1]',
      5e6,
      (p: ProfileJson): void => {
        p.tiers.pro.tasksPerProject = [1, 5e6];
      },
      LIMITS.rangeMax,
    ],
    [
      'tables.invoices.rowsPerParent[1]',
      1e6,
      (p: ProfileJson): void => {
        p.tables = { invoices: { rowsPerParent: [0, 1e6] } };
      },
      LIMITS.rowsPerParent,
    ],
  ])('refuses %s = %d above its maximum as a usage error in one line, before any work', (where, value, change, max) => {
    const file = profileWith(change);
    let error: unknown;
    try {
      loadProfile(file);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'E_USAGE', exitCode: 2 });
    expect((error as Error).message).toBe(`Seed profile ${file}: ${where} is ${value}, above the maximum of ${max}; lower it.`);
  });

  it('refuses a tables entry it does not understand', () => {
    const file = profileWith((p) => (p.tables = { invoices: { rowsPerParnet: [1, 2] } }));
    expect(() => loadProfile(file)).toThrow(/tables\.invoices has unknown keys \(rowsPerParnet\)/);
  });
});
