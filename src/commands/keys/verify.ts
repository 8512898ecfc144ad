import * as Args from '@oclif/core/args';
import { valueOrAsk } from '../../cli/ask.js';
import { DevdbCommand, databaseFlags } from '../../cli/base-command.js';
import { readStdin } from '../../cli/read-stdin.js';
import { apiKeyPepperOf } from '../../config/index.js';
import { DevdbError, usageError } from '../../errors.js';
import { KEY_TABLES, describeExpiry, describeKey, verifyKey, type InvalidReason, type KeyRecord } from '../../keys/index.js';

/** A token is 42 characters; a few KiB leaves room for a trailing newline or a stray header, and no more. */
const MAX_STDIN_BYTES = 4096;

const REASONS: Record<InvalidReason, string> = {
  malformed: 'it is not a devdb token (devdb_ followed by 36 letters and digits)',
  bad_checksum: 'its checksum does not match, so it was mistyped or cut short',
  unknown: 'no key in this database has this token (with a pepper, check DEVDB_API_KEY_PEPPER)',
  revoked: 'the key was revoked',
  expired: 'the key has expired',
};

export default class KeysVerify extends DevdbCommand<{ valid: true; key: KeyRecord }> {
  static override summary = 'Check a token: valid (exit 0) or invalid with the reason (exit 1).';
  static override description =
    'Reads the token from stdin when the argument is "-" or left out, so it stays out of shell history (on a terminal it is asked for, hidden). A valid key gets its last_used_at updated; a failed check is written to audit_logs, without the token. Reasons: malformed, bad_checksum, unknown, revoked, expired.';
  static override examples = [
    'printf %s "$DEVDB_TOKEN" | <%= config.bin %> keys verify',
    '<%= config.bin %> keys verify < token.txt --json',
    '<%= config.bin %> keys verify',
  ];
  static override args = {
    // ignoreStdin: oclif would read all of a pipe into the argument, unbounded; readToken reads it here, bounded.
    token: Args.string({ description: 'the token, or "-" (the default) to read it from stdin', ignoreStdin: true }),
  };
  static override flags = { ...databaseFlags };

  async run(): Promise<{ valid: true; key: KeyRecord }> {
    const { args, flags } = await this.parse(KeysVerify);
    const token = (args.token !== undefined && args.token !== '-' ? args.token : await readToken()).trim();
    if (token === '')
      throw usageError('No token given: pipe it on stdin (printf %s "$TOKEN" | devdb keys verify) or pass it as the argument.');
    const pepper = apiKeyPepperOf(this.settings());
    const result = await this.withDatabase(flags, (db) => verifyKey(db, token, { pepper }), {
      needs: { by: 'keys verify', tables: KEY_TABLES },
    });
    if (!result.valid) {
      const which = result.key ? ` (${describeKey(result.key)})` : '';
      throw new DevdbError('E_INVALID', `invalid: ${result.reason}${which}: ${REASONS[result.reason]}.`, {
        details: { valid: false, reason: result.reason, keyId: result.key?.id ?? null },
      });
    }
    this.log(`valid: ${describeKey(result.key)}, ${describeExpiry(result.key, new Date())}.`);
    return result;
  }
}

async function readToken(): Promise<string> {
  if (process.stdin.isTTY) {
    return valueOrAsk(undefined, 'the token (pipe it on stdin)', (p) => p.password({ message: 'Token to verify', mask: true }));
  }
  return readStdin(MAX_STDIN_BYTES, 'a token');
}
