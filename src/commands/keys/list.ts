import * as Flags from '@oclif/core/flags';
import { DevdbCommand, databaseFlags } from '../../cli/base-command.js';
import { renderTable } from '../../cli/table.js';
import {
  DEFAULT_LIST_LIMIT,
  EXPIRING_WINDOW_DAYS,
  MAX_LIST_LIMIT,
  KEY_STATES,
  KEY_TABLE_HEADERS,
  keyRow,
  listKeys,
  type KeyList,
  KEY_TABLES,
} from '../../keys/index.js';

export default class KeysList extends DevdbCommand<KeyList> {
  static override summary = 'List API keys with their state; never a token or a hash.';
  static override description = `States: active, expiring (within ${EXPIRING_WINDOW_DAYS} days, or rotated and in its grace period), expired, revoked. Keys are grouped by user, newest first.`;
  static override examples = [
    '<%= config.bin %> keys list',
    '<%= config.bin %> keys list --user alice@example.com',
    '<%= config.bin %> keys list --state expiring --state expired --json',
  ];
  static override flags = {
    ...databaseFlags,
    user: Flags.string({ char: 'u', description: "only this user's keys: an email or a user id" }),
    state: Flags.option({ description: 'only keys in this state (repeatable)', options: KEY_STATES, multiple: true })(),
    limit: Flags.integer({ description: 'show at most this many keys', default: DEFAULT_LIST_LIMIT, min: 1, max: MAX_LIST_LIMIT }),
  };

  async run(): Promise<KeyList> {
    const { flags } = await this.parse(KeysList);
    const now = new Date();
    const list = await this.withDatabase(flags, (db) => listKeys(db, { user: flags.user, states: flags.state, limit: flags.limit, now }), {
      create: false,
      needs: { by: 'keys list', tables: KEY_TABLES },
    });
    const whose = list.user ? ` for ${list.user.email}` : '';
    if (list.keys.length === 0) {
      this.log(`No API keys${whose}${flags.state ? ` in state ${flags.state.join(' or ')}` : ''}. Create one with devdb keys create.`);
      return list;
    }
    this.log(
      renderTable(
        KEY_TABLE_HEADERS,
        list.keys.map((k) => keyRow(k, now)),
      ),
    );
    if (list.total > list.keys.length)
      this.log(`\nShowing ${list.keys.length} of ${list.total} keys${whose}: narrow with --user or --state, or raise --limit.`);
    return list;
  }
}
