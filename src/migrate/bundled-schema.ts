import fs from 'node:fs';
import path from 'node:path';
import { DevdbError } from '../errors.js';
import { defaultMigrationsDir } from '../paths.js';
import { parseFileName } from './migration-file.js';
import type { MigrationPlan } from './status.js';

/**
 * The trap of a project that ran `devdb setup` before it had migrations: the database holds
 * devdb's bundled schema, and once the project adds `sql/migrations` every bundled file is
 * "applied, file missing". Restoring them from git cannot help (they were never in the
 * project): the way out is to rebuild the database from the project's own files.
 */
export function bundledSchemaTrap(plan: MigrationPlan, dir: string): DevdbError | null {
  if (plan.drifted.length === 0 || path.relative(dir, defaultMigrationsDir) === '') return null;
  const bundled = new Set(
    fs
      .readdirSync(defaultMigrationsDir)
      .map((name) => parseFileName(name)?.version)
      .filter((v): v is string => v !== undefined),
  );
  if (!plan.drifted.every((e) => e.state === 'missing' && bundled.has(e.version))) return null;
  const names = plan.drifted.map((e) => `${e.version}${e.name ? `_${e.name}` : ''}`);
  return new DevdbError(
    'E_MIGRATION_DRIFT',
    `This database holds devdb's bundled schema (${names.length} migrations from devdb's own files, ${names[0]} first), but this project now has migrations of its own in ${dir}. To switch to yours, run devdb reset --yes: it drops devdb's tables (and their rows) and applies your migrations.`,
    { details: { drifted: plan.drifted, bundledSchema: true } },
  );
}
