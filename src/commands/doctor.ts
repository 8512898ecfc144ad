import { Flags } from '@oclif/core';
import { DevdbCommand, databaseFlags } from '../cli/base-command.js';
import { doctor, type DoctorResult } from '../doctor/doctor.js';

export default class Doctor extends DevdbCommand<DoctorResult> {
  static override summary = 'Check the live schema against the plan\'s rules; exit 1 when any rule fails.';
  static override description =
    'Rules: primary keys, created_at and updated_at (with its trigger), an index for every foreign key, no multi-level delete cascades, sensitive columns marked and no plaintext secrets, the trigram search indexes, the unread-notifications partial index, the plan\'s relationships, declared polymorphic links and @domain tags. Each failure names the offending objects and, where there is one, the SQL that fixes it. Read-only.';
  static override examples = [
    '<%= config.bin %> doctor',
    '<%= config.bin %> doctor --only foreign-key-indexes --only cascade-depth',
    'DATABASE_URL=postgres://me@localhost/app <%= config.bin %> doctor --json',
  ];
  static override flags = {
    ...databaseFlags,
    only: Flags.string({ description: 'run only this rule (repeatable)', multiple: true }),
    skip: Flags.string({ description: 'leave this rule out (repeatable)', multiple: true }),
    schema: Flags.string({ description: 'PostgreSQL schema to check', default: 'public' }),
  };

  async run(): Promise<DoctorResult> {
    const { flags } = await this.parse(Doctor);
    const result = await this.withDatabase(flags, (db) => doctor(db, { only: flags.only, skip: flags.skip, schema: flags.schema }), {
      create: false,
    });
    const width = Math.max(...result.rules.map((r) => r.id.length));
    for (const rule of result.rules) {
      this.log(`${rule.status === 'pass' ? 'PASS' : 'FAIL'}  ${rule.id.padEnd(width)}  ${rule.title}`);
      if (rule.status === 'pass') continue;
      for (const v of rule.violations) {
        this.log(`      - ${v.object}: ${v.problem}`);
        if (v.fix) this.log(`        fix: ${v.fix}`);
      }
      this.log(`      why: ${rule.hint} (plan ${rule.plan})`);
    }
    this.log(`\n${result.rules.length} rules on ${result.tables} tables: ${result.passed} passed, ${result.failed} failed.`);
    if (!result.ok) process.exitCode = 1;
    return result;
  }
}
