import { describe, expect, it } from 'vitest';
import type { AppliedMigration } from '../../src/migrate/history.js';
import { parseMigration, type MigrationFile } from '../../src/migrate/migration-file.js';
import { planMigrations } from '../../src/migrate/status.js';

const file = (name: string, up = 'SELECT 1;'): MigrationFile => parseMigration(`m/${name}`, `-- migrate:up\n${up}\n`);
const devdb = (f: MigrationFile, checksum = f.checksum): AppliedMigration => ({
  version: f.version,
  name: f.name,
  checksum,
  appliedAt: new Date('2026-01-01T00:00:00Z'),
  source: 'devdb',
});
const dbmate = (version: string): AppliedMigration => ({ version, name: '', checksum: null, appliedAt: null, source: 'dbmate' });

describe('planMigrations', () => {
  const a = file('1_a.sql');
  const b = file('2_b.sql');
  const c = file('10_c.sql');

  it('nothing applied: everything pending, in numeric order', () => {
    const plan = planMigrations([a, c, b], []);
    expect(plan.entries.map((e) => [e.version, e.state])).toEqual([
      ['1', 'pending'],
      ['2', 'pending'],
      ['10', 'pending'],
    ]);
    expect(plan.drifted).toEqual([]);
  });

  it('applied, changed, missing and pending side by side, entries in version order', () => {
    const gone: AppliedMigration = { version: '5', name: 'gone', checksum: 'x', appliedAt: new Date(0), source: 'devdb' };
    const plan = planMigrations([a, b, c], [devdb(a), devdb(b, 'edited'), gone]);
    expect(plan.entries.map((e) => [e.version, e.state])).toEqual([
      ['1', 'applied'],
      ['2', 'changed'],
      ['5', 'missing'],
      ['10', 'pending'],
    ]);
    expect(plan.pending).toEqual([c]);
    expect(plan.drifted.map((e) => e.version)).toEqual(['2', '5']);
    expect(plan.entries.find((e) => e.version === '5')).toMatchObject({ file: null, name: 'gone', appliedAt: '1970-01-01T00:00:00.000Z' });
  });

  it('a version dbmate recorded counts as applied (it keeps no checksum), and as missing without its file', () => {
    const plan = planMigrations([a, b], [dbmate('1'), dbmate('7')]);
    expect(plan.entries.map((e) => [e.version, e.state, e.recordedBy])).toEqual([
      ['1', 'applied', 'dbmate'],
      ['2', 'pending', null],
      ['7', 'missing', 'dbmate'],
    ]);
    expect(plan.entries[0]!.appliedAt).toBeNull();
  });

  it('matches history by the exact version text, as dbmate does', () => {
    const padded = file('001_a.sql');
    expect(planMigrations([padded], [dbmate('1')]).entries.map((e) => e.state)).toEqual(['pending', 'missing']);
  });

  it('an empty pending file is "empty"; once applied, it is plain applied', () => {
    const empty = file('3_todo.sql', '');
    expect(planMigrations([a, empty], [devdb(a)]).entries.map((e) => e.state)).toEqual(['applied', 'empty']);
    expect(planMigrations([a, empty], [devdb(a)]).pending).toEqual([empty]);
    expect(planMigrations([empty], [devdb(empty)]).entries.map((e) => e.state)).toEqual(['applied']);
  });
});
