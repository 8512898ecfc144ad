import { describe, expect, it } from 'vitest';
import type { AppliedMigration } from '../../src/migrate/history.js';
import { parseMigration, type MigrationFile } from '../../src/migrate/migration-file.js';
import { planMigrations } from '../../src/migrate/status.js';
import { dbmateTemplate } from '../../src/migrate/template.js';

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

  it('nothing applied: everything pending, in file-name order as dbmate sorts them (10_c before 1_a and 2_b)', () => {
    const plan = planMigrations([a, c, b], [], 'dbmate');
    expect(plan.entries.map((e) => [e.version, e.state])).toEqual([
      ['10', 'pending'],
      ['1', 'pending'],
      ['2', 'pending'],
    ]);
    expect(plan.drifted).toEqual([]);
  });

  it('golang-migrate folders go in version order', () => {
    expect(planMigrations([a, c, b], [], 'golang-migrate').entries.map((e) => e.version)).toEqual(['1', '2', '10']);
  });

  it('applied, changed, missing and pending side by side, entries in the folder order (a missing one by its version)', () => {
    const gone: AppliedMigration = { version: '5', name: 'gone', checksum: 'x', appliedAt: new Date(0), source: 'devdb' };
    const plan = planMigrations([a, b, c], [devdb(a), devdb(b, 'edited'), gone], 'dbmate');
    expect(plan.entries.map((e) => [e.version, e.state])).toEqual([
      ['10', 'pending'],
      ['1', 'applied'],
      ['2', 'changed'],
      ['5', 'missing'],
    ]);
    expect(plan.pending).toEqual([c]);
    expect(plan.drifted.map((e) => e.version)).toEqual(['2', '5']);
    expect(plan.entries.find((e) => e.version === '5')).toMatchObject({ file: null, name: 'gone', appliedAt: '1970-01-01T00:00:00.000Z' });
  });

  it('a version dbmate recorded counts as applied (it keeps no checksum), and as missing without its file', () => {
    const plan = planMigrations([a, b], [dbmate('1'), dbmate('7')], 'dbmate');
    expect(plan.entries.map((e) => [e.version, e.state, e.recordedBy])).toEqual([
      ['1', 'applied', 'dbmate'],
      ['2', 'pending', null],
      ['7', 'missing', 'dbmate'],
    ]);
    expect(plan.entries[0]!.appliedAt).toBeNull();
  });

  it('matches history by the exact version text, as dbmate does', () => {
    const padded = file('001_a.sql');
    expect(planMigrations([padded], [dbmate('1')], 'dbmate').entries.map((e) => e.state)).toEqual(['pending', 'missing']);
  });

  it('a file still as migrate new wrote it is "empty"; once applied, it is plain applied', () => {
    const empty = parseMigration('m/3_todo.sql', dbmateTemplate('to do'));
    expect(planMigrations([a, empty], [devdb(a)], 'dbmate').entries.map((e) => e.state)).toEqual(['applied', 'empty']);
    expect(planMigrations([a, empty], [devdb(a)], 'dbmate').pending).toEqual([empty]);
    expect(planMigrations([empty], [devdb(empty)], 'dbmate').entries.map((e) => e.state)).toEqual(['applied']);
  });

  it('a file with no statement that migrate new did not write is pending, noted as a no-op', () => {
    const comments = file('3_view.sql', '-- CREATE VIEW v AS SELECT 1;');
    const [entry] = planMigrations([comments], [], 'dbmate').entries;
    expect(entry).toMatchObject({
      state: 'pending',
      notes: ['no statement to apply: applied as a no-op, as dbmate does', expect.stringMatching(/^no down section/)],
    });
  });
});
