/**
 * Project-aware configuration. Lookup order, first match wins:
 *   1. flags (--url, --data-dir, --migrations-dir, --profile, --port, --engine)
 *   2. the environment (DATABASE_URL, DEVDB_DATA_DIR, DEVDB_MIGRATIONS_DIR, DEVDB_SEED_PROFILE, DEVDB_PORT, DEVDB_ENGINE)
 *   3. `.env` in the working folder (devdb's variables only; the environment wins)
 *   4. devdb.config.json, or the "devdb" key of package.json, in the working folder
 *   5. defaults: ./.devdb, the project's ./sql/migrations or else devdb's bundled schema, the "default" profile
 * "branchFromGit" reads the checked-out git branch (git-branch.ts), which picks the database branch.
 */
export { CONFIG_FILE, CONFIG_KEYS, PACKAGE_JSON_KEY, readProjectConfig, type ProjectConfig } from './config-file.js';
export { ENV_FILE, isDevdbVariable, readEnvFile, withEnvFile } from './env-file.js';
export { PROJECT_MIGRATIONS_DIR, notBlank, resolveMigrationsDir, writableMigrationsDir, type MigrationsDir } from './migrations-dir.js';
export {
  SEED_FILE,
  apiKeyPepperOf,
  configuredDataDir,
  engineOf,
  gitBranchOf,
  loadProjectSettings,
  migrationsDirOf,
  portOf,
  projectMigrationsDir,
  seedPasswordOf,
  seedProfileOf,
  type ProjectSettings,
} from './settings.js';
export { projectBranchPointer, projectTarget, projectTargetOptions, type TargetChoice } from './project-target.js';
