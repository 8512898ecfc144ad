import { escapeControlChars } from '../util/control-chars.js';
import { formatRelative } from './duration.js';
import type { KeyRecord } from './key-record.js';

/** `2026-11-24 10:00 UTC`: minutes are enough to tell keys apart, UTC avoids guessing zones. */
export function formatTime(when: Date): string {
  return `${when.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function describeExpiry(key: KeyRecord, now: Date): string {
  if (!key.expiresAt) return 'never expires';
  return key.expiresAt.getTime() > now.getTime()
    ? `expires ${formatTime(key.expiresAt)} (${formatRelative(key.expiresAt, now)})`
    : `expired ${formatTime(key.expiresAt)}`;
}

/**
 * `key 12 "ci" (devdb_AbCd1234) of alice@example.com`: how every message names a key. Names and
 * emails are stored text, so their control characters are escaped (a name could hold ESC sequences).
 */
export function describeKey(key: KeyRecord): string {
  return `key ${key.id} "${escapeControlChars(key.name)}" (${key.displayPrefix}) of ${escapeControlChars(key.userEmail)}`;
}

/** One row of `devdb keys list`. */
export function keyRow(key: KeyRecord, now: Date): string[] {
  const note = [
    key.replacesKeyId !== null ? `replaces ${key.replacesKeyId}` : '',
    key.replacedByKeyId !== null ? `rotated to ${key.replacedByKeyId}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  return [
    String(key.id),
    escapeControlChars(key.userEmail),
    escapeControlChars(key.name),
    key.displayPrefix,
    key.state,
    formatTime(key.createdAt),
    key.lastUsedAt ? formatRelative(key.lastUsedAt, now) : 'never',
    key.revokedAt ? '-' : key.expiresAt ? formatRelative(key.expiresAt, now) : 'never',
    note,
  ];
}

export const KEY_TABLE_HEADERS = ['ID', 'USER', 'NAME', 'PREFIX', 'STATE', 'CREATED', 'LAST USED', 'EXPIRES', 'NOTE'] as const;
