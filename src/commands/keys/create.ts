import * as Flags from '@oclif/core/flags';
import { refuseUnanswerable, valueOrAsk } from '../../cli/ask.js';
import { DevdbCommand, databaseFlags } from '../../cli/base-command.js';
import { apiKeyPepperOf } from '../../config/index.js';
import {
  checkKeyName,
  createKey,
  describeExpiry,
  describeKey,
  MAX_NAME_LENGTH,
  parseLifetime,
  searchUsers,
  type CreatedKey,
  KEY_TABLES,
} from '../../keys/index.js';

export default class KeysCreate extends DevdbCommand<CreatedKey & { shownOnce: true }> {
  static override summary = 'Create an API key for a user and print its token, once.';
  static override description =
    "The token (devdb_ + 30 random base62 characters + a 6-character CRC32 checksum) goes to stdout alone, so it can be piped into a secret store; the messages go to stderr. Only its SHA-256 hash (HMAC-SHA-256 when DEVDB_API_KEY_PEPPER is set) is stored, so it cannot be shown again. The user's tier limits how many active keys they may hold.";
  static override examples = [
    '<%= config.bin %> keys create --user alice@example.com --name ci --expires-in 90d',
    '<%= config.bin %> keys create --user 42 --name "staging deploy" --json',
    '<%= config.bin %> keys create --user alice@example.com --name ci | gh secret set DEVDB_TOKEN',
  ];
  static override flags = {
    ...databaseFlags,
    user: Flags.string({ char: 'u', description: 'the key owner: an email or a user id (asked for on a terminal)' }),
    name: Flags.string({ char: 'n', description: `what the key is for, 1 to ${MAX_NAME_LENGTH} characters (asked for on a terminal)` }),
    'expires-in': Flags.string({ description: 'lifetime such as 30d, 90d, 12h or 1w, or "never"', default: 'never' }),
  };

  async run(): Promise<CreatedKey & { shownOnce: true }> {
    const { flags } = await this.parse(KeysCreate);
    const expiresInMs = parseLifetime(flags['expires-in']);
    if (flags.name !== undefined) checkKeyName(flags.name);
    refuseUnanswerable(flags.user, '--user');
    refuseUnanswerable(flags.name, '--name');
    const pepper = apiKeyPepperOf(this.settings());
    const created = await this.withDatabase(
      flags,
      async (db) => {
        const user = await valueOrAsk(flags.user, '--user', (p) =>
          p.search({
            message: 'Which user is the key for? (type part of an email)',
            source: async (term) =>
              (await searchUsers(db, term ?? '')).map((u) => ({ value: String(u.id), name: u.email, description: `${u.tier} tier` })),
          }),
        );
        const name = await valueOrAsk(flags.name, '--name', (p) =>
          p.input({
            message: 'Name the key (where is it used?)',
            validate: (v) => (v.trim().length >= 1 && v.trim().length <= MAX_NAME_LENGTH) || `Use 1 to ${MAX_NAME_LENGTH} characters.`,
          }),
        );
        return createKey(db, { user, name, expiresInMs, pepper });
      },
      { needs: { by: 'keys create', tables: KEY_TABLES } },
    );
    this.logToStderr(`Created ${describeKey(created.key)}, ${describeExpiry(created.key, new Date())}.`);
    this.log(this.showSecret(created.token));
    this.logToStderr('Copy the token now: it will not be shown again (devdb stores only its hash).');
    return { ...created, shownOnce: true };
  }
}
