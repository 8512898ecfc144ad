/** How long a migrating command waits for another session holding the migration lock: one default with lock_timeout's. */
export { DEFAULT_LOCK_TIMEOUT_MS } from '../db/lock-wait.js';

/** 'devdbmig' in ASCII: one advisory lock key for every devdb process that changes the schema. */
export const MIGRATION_LOCK_KEY = 0x64657664626d6967n;
