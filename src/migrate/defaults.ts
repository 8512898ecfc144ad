/** How long a migrating command waits for another session holding the migration lock: the flag's default too. */
export const DEFAULT_LOCK_TIMEOUT_MS = 60_000;

/** 'devdbmig' in ASCII: one advisory lock key for every devdb process that changes the schema. */
export const MIGRATION_LOCK_KEY = 0x64657664626d6967n;
