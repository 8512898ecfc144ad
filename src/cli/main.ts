import { earlyCommand } from './early-commands.js';
// Before oclif reads argv (and prints it under DEBUG=*): secrets registered, output redacted, crashes in one line.
import { guardProcess } from './process-guard.js';

/**
 * The devdb process (bin/run.js calls it with its own URL, which oclif finds package.json from).
 * It runs from the CLI's bundle (scripts/bundle.js): this module, oclif and every command share
 * one copy of each module.
 */
export async function main(binUrl: string): Promise<void> {
  guardProcess();
  // A command that opens a native folder's database gets its lease opened now, while oclif and the command load
  // (src/cli/early-start.ts); any other command (and --help, --version) loads nothing more for it.
  if (earlyCommand(process.argv.slice(2))) (await import('./early-start.js')).startEarly();
  // Only the entry point of @oclif/core: help, flags and the rest load when a command needs them.
  await (await import('./execute.js')).executeOclif(binUrl);
}
