import path from 'node:path';
import { loadProjectSettings, migrationsDirOf, projectBranchPointer, projectTarget } from '../config/index.js';
import type { Target } from '../db/target.js';

/** Where a test database comes from: a server URL, a local folder, or (neither given) the project's settings. */
export interface ProjectOptions {
  /** A PostgreSQL server URL; the test databases go on that server. */
  url?: string | undefined;
  /** A devdb folder (native PostgreSQL or PGlite). */
  dataDir?: string | undefined;
  /** The migrations that make the schema (default: the project's, as devdb setup uses them). */
  migrationsDir?: string | undefined;
  /** The project folder whose settings apply (default: the working folder). */
  cwd?: string | undefined;
}

export interface Project {
  target: Target;
  migrationsDir: string;
  /** The project's local folder, where devdb keeps what it makes for tests (templates, images). */
  stateDir: string;
  /** The project's port for devdb start, when it sets one. */
  port: number | undefined;
}

/** The project's database as devdb's commands would resolve it (DATABASE_URL, .env, devdb.config.json, ./.devdb). */
export function resolveProject(options: ProjectOptions): Project {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const settings = loadProjectSettings(undefined, cwd);
  const choice = { url: options.url, dataDir: options.dataDir };
  return {
    target: projectTarget(choice, settings),
    migrationsDir: migrationsDirOf(settings, options.migrationsDir).dir,
    stateDir: projectBranchPointer(choice, settings).stateDir,
    port: settings.config.port,
  };
}
