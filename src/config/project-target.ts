import { resolveTarget, type Target, type TargetOptions } from '../db/target.js';
import { configuredDataDir, loadProjectSettings, type ProjectSettings } from './settings.js';

/**
 * The database a command or a library call works on, as the CLI resolves it: `options` (a URL or
 * a folder, as the flags give them) over the settings of the project (the environment, `.env`,
 * devdb.config.json; by default those of the working folder, read here once).
 */
export function projectTarget(
  options: Omit<TargetOptions, 'configDataDir'> = {},
  settings: ProjectSettings = loadProjectSettings(),
): Target {
  return resolveTarget({ ...options, configDataDir: configuredDataDir(settings) }, settings.env, settings.cwd);
}
