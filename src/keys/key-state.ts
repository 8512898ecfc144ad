/**
 * The one definition of a key's liveness and state. A key works (verifies, can be rotated,
 * counts against its tier's quota unless a rotation replaced it) while it is neither revoked
 * nor past its expiry; the SQL and the TypeScript below say exactly that, once each, and every
 * query and check in src/keys is built from them.
 */
export const KEY_STATES = ['active', 'expiring', 'expired', 'revoked'] as const;
export type KeyState = (typeof KEY_STATES)[number];

/** The states in which a key still works. */
const LIVE_STATES: ReadonlySet<KeyState> = new Set(['active', 'expiring']);

export function isLive(state: KeyState): boolean {
  return LIVE_STATES.has(state);
}

/** A key expiring within this window is listed as `expiring` (GitHub warns a week ahead). */
export const EXPIRING_WINDOW_DAYS = 7;

/** SQL: the key row `alias` works at the timestamptz expression `now`. */
export function liveSql(alias: string, now: string): string {
  return `(${alias}.revoked_at IS NULL AND (${alias}.expires_at IS NULL OR ${alias}.expires_at > ${now}))`;
}

/**
 * SQL: the state of key row `alias`, whose successor (the key it was rotated to, if any) is row
 * `successor`. A rotated key is `expiring` for its whole grace period.
 */
export function stateSql(alias: string, successor: string, now: string): string {
  return `CASE
    WHEN ${alias}.revoked_at IS NOT NULL THEN 'revoked'
    WHEN NOT ${liveSql(alias, now)} THEN 'expired'
    WHEN ${successor}.id IS NOT NULL OR ${alias}.expires_at <= ${now}::timestamptz + interval '${EXPIRING_WINDOW_DAYS} days' THEN 'expiring'
    ELSE 'active'
  END`;
}
