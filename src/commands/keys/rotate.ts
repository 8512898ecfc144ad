import { Args, Flags } from '@oclif/core';
import { refuseUnanswerable, valueOrAsk } from '../../cli/ask.js';
import { DevdbCommand, databaseFlags } from '../../cli/base-command.js';
import {
  DEFAULT_GRACE_MS,
  describeExpiry,
  describeKey,
  formatDuration,
  formatTime,
  isLive,
  KEY_STATES,
  parseDuration,
  parseLifetime,
  rotateKey,
  selectKeys,
  type RotatedKey,
} from '../../keys/index.js';

const KEY_ARGUMENT = 'the key argument (an id or display prefix)';

export default class KeysRotate extends DevdbCommand<RotatedKey> {
  static override summary = 'Replace a key with a new one; the old one keeps working through a grace period.';
  static override description = `The new key has the same user and name, and the old key's lifetime unless --expires-in says otherwise. The old key stays valid for --grace (${formatDuration(DEFAULT_GRACE_MS)} by default; 0 ends it now) so deployments can switch over, then expires. Revoked and expired keys cannot be rotated, and a key is rotated once: two rotations at the same moment make exactly one new key.`;
  static override examples = [
    '<%= config.bin %> keys rotate 12',
    '<%= config.bin %> keys rotate devdb_AbCd1234 --grace 1h',
    '<%= config.bin %> keys rotate 12 --grace 0 --expires-in 30d --json',
  ];
  static override args = {
    // ignoreStdin: a left-out argument is picked on a terminal or refused, never read from whatever is piped in.
    key: Args.string({
      description: 'the key id or display prefix (see devdb keys list; picked from a list on a terminal)',
      ignoreStdin: true,
    }),
  };
  static override flags = {
    ...databaseFlags,
    grace: Flags.string({
      description: `how long the old key stays valid, such as 24h, 30m or 0 (default: ${formatDuration(DEFAULT_GRACE_MS)})`,
    }),
    'expires-in': Flags.string({ description: 'lifetime of the new key, or "never" (default: the old key\'s lifetime)' }),
  };

  async run(): Promise<RotatedKey> {
    const { args, flags } = await this.parse(KeysRotate);
    const graceMs = flags.grace === undefined ? undefined : parseDuration(flags.grace, '--grace');
    const expiresInMs = flags['expires-in'] === undefined ? undefined : parseLifetime(flags['expires-in']);
    refuseUnanswerable(args.key, KEY_ARGUMENT);
    const rotated = await this.withDatabase(flags, async (db) => {
      const key = await valueOrAsk(args.key, KEY_ARGUMENT, async (p) => {
        const { keys } = await selectKeys(db, { now: new Date(), states: KEY_STATES.filter(isLive), limit: 200 });
        return p.select({
          message: 'Which key do you want to rotate?',
          choices: keys.filter((k) => k.replacedByKeyId === null).map((k) => ({ value: String(k.id), name: describeKey(k) })),
        });
      });
      return rotateKey(db, { key, graceMs, expiresInMs });
    });
    const now = new Date();
    this.logToStderr(`Rotated key ${rotated.previous.id} to ${describeKey(rotated.key)}, ${describeExpiry(rotated.key, now)}.`);
    this.log(this.showSecret(rotated.token));
    this.logToStderr('Copy the token now: it will not be shown again (devdb stores only its hash).');
    const until = rotated.previous.expiresAt!;
    this.logToStderr(
      until.getTime() > now.getTime()
        ? `The old key ${rotated.previous.displayPrefix} keeps working until ${formatTime(until)}; end it sooner with devdb keys revoke ${rotated.previous.id}.`
        : `The old key ${rotated.previous.displayPrefix} no longer works.`,
    );
    return rotated;
  }
}
