/**
 * The tables of devdb's schema the keys commands read and write (keys, their owners, the tier
 * quotas, the audit trail): checked before a command runs, so a database with someone else's
 * `users` or `api_keys` is told so in one line instead of failing on a column it lacks.
 */
export const KEY_TABLES: readonly string[] = ['api_keys', 'users', 'tier_limits', 'audit_logs'];
