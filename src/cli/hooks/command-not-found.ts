import { Errors, type Hook } from '@oclif/core';
import { ExitCode } from '../../errors.js';
import { redactSecrets } from '../../util/redact.js';
import { escapeControlChars } from '../../util/control-chars.js';

/**
 * oclif's own "command X not found" quotes the word typed, which is sometimes a pasted token
 * (`devdb devdb_...`): the same redaction as every other line, and the usage exit code.
 */
const hook: Hook<'command_not_found'> = async function ({ id }) {
  throw new Errors.CLIError(`command ${escapeControlChars(redactSecrets(id.replaceAll(':', ' ')))} not found: see devdb --help.`, { exit: ExitCode.usage });
};

export default hook;
