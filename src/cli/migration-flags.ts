import * as Flags from '@oclif/core/flags';
import type { MigrationsDir } from '../config/index.js';

export const migrationsDirFlag = {
  'migrations-dir': Flags.string({
    description:
      'folder of <version>_<name>.sql files (default: $DEVDB_MIGRATIONS_DIR, "migrationsDir" in devdb.config.json, $DBMATE_MIGRATIONS_DIR, ./sql/migrations, ./db/migrations or ./migrations, else devdb\'s bundled schema)',
  }),
};

export const driftFlag = {
  'allow-drift': Flags.boolean({
    description: 'go on although an applied migration was edited or its file is gone',
    default: false,
  }),
};

export const baselineFlag = {
  baseline: Flags.string({
    description:
      'on a database that has tables but no migration history: record the migrations up to this version as applied, then apply the rest',
    helpValue: 'VERSION',
  }),
};

/** The migrate core's options from the flags, with the folder the project's configuration chose (DevdbCommand.migrationsDir). */
export function migrationOptions(flags: { 'lock-timeout': number; 'allow-drift': boolean }, migrations: MigrationsDir) {
  return {
    migrationsDir: migrations.dir,
    dbmateHistory: migrations.dbmateHistory,
    lockTimeoutMs: flags['lock-timeout'] * 1000,
    allowDrift: flags['allow-drift'],
  };
}
