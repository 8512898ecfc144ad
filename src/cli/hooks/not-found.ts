import { toConfiguredId, type Hook } from '@oclif/core';
import { ExitCode } from '../../errors.js';
import { errorDocument } from '../describe-error.js';
import { quotable } from '../../util/control-chars.js';
import { editDistance } from '../../util/edit-distance.js';

/**
 * An unknown command. On a terminal, @oclif/plugin-not-found asks "Did you mean …?" and runs the
 * answer. Anywhere else, and when the suggestion is declined, devdb says so in one line and exits 2,
 * its usage code, where the plugin alone would print two lines and exit 127.
 */
const hook: Hook<'command_not_found'> = async function (options) {
  const typed = toConfiguredId(options.id, this.config);
  if (process.stdin.isTTY && process.stderr.isTTY) {
    const { default: askAndRun } = await import('@oclif/plugin-not-found');
    try {
      return await askAndRun.call(this, options);
    } catch (error) {
      // Declined: the plugin ends with exit 127 and a line of its own; devdb's usage line and code replace them.
      if ((error as { oclif?: { exit?: number } }).oclif?.exit !== 127) throw error;
      process.stderr.write(`Error: Run ${this.config.bin} help for the list of commands.\n`);
      return this.exit(ExitCode.usage);
    }
  }
  const nearest = nearestCommand(options.id, this.config);
  const hint = nearest ? ` Did you mean ${toConfiguredId(nearest, this.config)}?` : '';
  const message = `"${quotable(typed)}" is not a ${this.config.bin} command.${hint} Run ${this.config.bin} help for the list of commands.`;
  // With --json, the error every command gives under --json: { error: { code, message } } on stdout.
  if (options.argv?.includes('--json')) process.stdout.write(`${JSON.stringify(errorDocument({ code: 'E_USAGE', message }), null, 2)}\n`);
  else process.stderr.write(`Error: ${message}\n`);
  return this.exit(ExitCode.usage);
};

/**
 * The visible command (or alias) nearest to what was typed, when near enough to be a typo of it.
 * Each command is compared with as many typed words as it has: in `serch login`, `login` is an argument.
 */
function nearestCommand(id: string, config: Parameters<Hook<'command_not_found'>>[0]['config']): string | undefined {
  const words = id.split(':');
  const candidates = config.commands
    .filter((c) => !c.hidden)
    .flatMap((c) => [c.id, ...c.aliases])
    .map((command) => {
      const typed = words.slice(0, command.split(':').length).join(':');
      // Case is no typo worth a miss: commands are lower case, `KEYS list` is keys list.
      // Lengths further apart than a typo allows are no typo either, and are not compared (a 120 KB word took seconds).
      const near = Math.abs(typed.length - command.length) <= allowedEdits(typed);
      return { command, typed, distance: near ? editDistance(typed.toLowerCase(), command) : Infinity };
    });
  // Among the near ones, the command of more words wins: `migrate stauts` is migrate status, not migrate.
  const [best] = candidates
    .filter((c) => c.distance <= allowedEdits(c.typed))
    .sort((a, b) => b.command.split(':').length - a.command.split(':').length || a.distance - b.distance);
  return best?.command;
}

/** How many edits a typed word of this length may be from a command and still be its typo. */
function allowedEdits(typed: string): number {
  return Math.max(1, Math.floor(typed.length / 4));
}

export default hook;
