import * as Flags from '@oclif/core/flags';
import { DevdbCommand, databaseFlags } from '../../cli/base-command.js';
import { keyArgument, keyOrPick, refuseMissingKey } from '../../cli/key-argument.js';
import { apiKeyPepperOf } from '../../config/index.js';
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
  type RotatedKey,
  KEY_TABLES,
} from '../../keys/index.js';

export default class KeysRotate extends DevdbCommand<RotatedKey> {
  static override summary = 'Replace a key with a new one; the old one keeps working through a grace period.';
  static override description = `The new key has the same user and name, and the old key's lifetime unless --expires-in says otherwise. The old key stays valid for --grace (${formatDuration(DEFAULT_GRACE_MS)} by default; 0 ends it now) so deployments can switch over, then expires. Revoked and expired keys cannot be rotated, and a key is rotated once: two rotations at the same moment make exactly one new key.`;
  static override examples = [
    '<%= config.bin %> keys rotate 12',
    '<%= config.bin %> keys rotate devdb_AbCd1234 --grace 1h',
    '<%= config.bin %> keys rotate 12 --grace 0 --expires-in 30d --json',
  ];
  static override args = keyArgument;
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
    refuseMissingKey(args.key);
    const pepper = apiKeyPepperOf(this.settings());
    const rotated = await this.withDatabase(
      flags,
      async (db) => {
        const key = await keyOrPick(db, args.key, {
          verb: 'rotate',
          states: KEY_STATES.filter(isLive),
          offer: (k) => k.replacedByKeyId === null,
        });
        return rotateKey(db, { key, graceMs, expiresInMs, pepper });
      },
      { needs: { by: 'keys rotate', tables: KEY_TABLES } },
    );
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
