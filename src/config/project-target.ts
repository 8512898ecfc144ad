import { branchPointer, resolveTarget, type BranchPointer, type Target, type TargetOptions } from '../db/target.js';
import { configuredDataDir, engineOf, gitBranchOf, loadProjectSettings, type ProjectSettings } from './settings.js';

/** What a command's flags (or a library caller) say about the database: a URL or a folder, and the engine of a new folder. */
export interface TargetChoice {
  url?: string | undefined;
  dataDir?: string | undefined;
  /** `postgres` or `pglite`, as `--engine` takes it. */
  engine?: string | undefined;
}

/**
 * The resolver's options for `choice` over the settings of the project: its config file's folder,
 * the engine DEVDB_ENGINE or the config file names, and the git branch when "branchFromGit" is on.
 */
export function projectTargetOptions(choice: TargetChoice, settings: ProjectSettings): TargetOptions {
  return {
    url: choice.url,
    dataDir: choice.dataDir,
    configDataDir: configuredDataDir(settings),
    engine: engineOf(settings, choice.engine),
    gitBranch: gitBranchOf(settings),
  };
}

/**
 * The database a command or a library call works on, as the CLI resolves it: `choice` (a URL or
 * a folder, as the flags give them) over the settings of the project (the environment, `.env`,
 * devdb.config.json; by default those of the working folder, read here once).
 */
export function projectTarget(choice: TargetChoice = {}, settings: ProjectSettings = loadProjectSettings()): Target {
  return resolveTarget(projectTargetOptions(choice, settings), settings.env, settings.cwd);
}

/** Where the project records its current branch (the same resolution as projectTarget's). */
export function projectBranchPointer(choice: TargetChoice, settings: ProjectSettings = loadProjectSettings()): BranchPointer {
  return branchPointer(projectTargetOptions(choice, settings), settings.env, settings.cwd);
}
