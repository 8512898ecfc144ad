import * as Flags from '@oclif/core/flags';
import { DevdbCommand, databaseFlags } from '../cli/base-command.js';
import { migrationsDirFlag } from '../cli/migration-flags.js';
import { doctor, RULES, type DoctorResult } from '../doctor/index.js';
import { escapeControlChars } from '../util/control-chars.js';

export default class Doctor extends DevdbCommand<DoctorResult> {
  static override summary = 'Check the live schema against the rules that apply to it; exit 1 when any of them fails.';
  static override description = [
    `Every schema: ${RULES.filter((r) => r.scope === 'any')
      .map((r) => r.id)
      .join(', ')}. devdb's product plan, on devdb's own schema or with --plan: ${RULES.filter((r) => r.scope === 'product')
      .map((r) => r.id)
      .join(', ')}.`,
    'Each failure names the offending objects and, where there is one, the SQL that fixes it (quoted and schema-qualified, ready to run) or the step to take.',
    'Partitions are checked for foreign-key indexes too; views are counted but not held to the rules. Read-only.',
  ].join(' ');
  static override examples = [
    '<%= config.bin %> doctor',
    '<%= config.bin %> doctor --only foreign-key-indexes --only cascade-depth',
    '<%= config.bin %> doctor --schema app --schema public',
    'DATABASE_URL=postgres://me@localhost/app <%= config.bin %> doctor --json',
  ];
  static override flags = {
    ...databaseFlags,
    only: Flags.option({ description: 'run only this rule (repeatable)', multiple: true, options: RULES.map((r) => r.id) })(),
    skip: Flags.option({ description: 'leave this rule out (repeatable)', multiple: true, options: RULES.map((r) => r.id) })(),
    schema: Flags.string({
      description:
        'PostgreSQL schema to check (repeatable; default: the first of the search path, public, and the schemas your migrations create)',
      multiple: true,
      exclusive: ['all-schemas'],
    }),
    'all-schemas': Flags.boolean({ description: "check every schema but PostgreSQL's own and extensions'", exclusive: ['schema'] }),
    ...migrationsDirFlag,
    plan: Flags.boolean({ description: "also hold this schema to devdb's product plan (tags, domains, relationships, search indexes)" }),
  };

  async run(): Promise<DoctorResult> {
    const { flags } = await this.parse(Doctor);
    const result = await this.withDatabase(
      flags,
      (db) =>
        doctor(db, {
          only: flags.only,
          skip: flags.skip,
          schemas: flags.schema,
          allSchemas: flags['all-schemas'],
          plan: flags.plan,
          migrationsDir: this.migrationsDir(flags).dir,
        }),
      { create: false },
    );
    const width = Math.max(...result.rules.map((r) => r.id.length));
    for (const rule of result.rules) {
      if (rule.status === 'skipped') continue;
      this.log(`${rule.status === 'pass' ? 'PASS' : 'FAIL'}  ${rule.id.padEnd(width)}  ${rule.title}`);
      if (rule.status === 'pass') continue;
      for (const v of rule.violations) {
        // Names come from the database: their control characters are printed, not obeyed.
        this.log(escapeControlChars(`      - ${v.object}: ${v.problem}`));
        if (v.fix) this.log(escapeControlChars(`        fix: ${v.fix}`));
        if (v.step) this.log(escapeControlChars(`        step: ${v.step}`));
      }
      this.log(`      why: ${rule.hint} (plan ${rule.plan})`);
    }
    const views = result.views > 0 ? ` (and ${result.views} view${result.views === 1 ? '' : 's'}, not checked)` : '';
    const skipped = result.rules.filter((r) => r.status === 'skipped').map((r) => r.id);
    if (skipped.length > 0)
      this.log(`\nNot devdb's product schema: its plan's rules (${skipped.join(', ')}) do not apply here (--plan applies them).`);
    this.log(
      `\n${result.rules.length - skipped.length} rules on ${result.tables} tables${views} in ${result.schemas.join(', ')}: ${result.passed} passed, ${result.failed} failed.`,
    );
    if (!result.ok) process.exitCode = 1;
    return result;
  }
}
