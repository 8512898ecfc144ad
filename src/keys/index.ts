/** API keys: what commands (and library users) import; the files behind it are free to move. */
export { createKey, checkKeyName, MAX_NAME_LENGTH, type CreateKeyOptions, type CreatedKey } from './create-key.js';
export { listKeys, DEFAULT_LIST_LIMIT, MAX_LIST_LIMIT, type KeyList, type ListKeysOptions } from './list-keys.js';
export { rotateKey, DEFAULT_GRACE_MS, type RotatedKey, type RotateKeyOptions } from './rotate-key.js';
export { revokeKey, type RevokeKeyOptions } from './revoke-key.js';
export { verifyKey, type InvalidReason, type VerifyKeyOptions, type VerifyResult } from './verify-key.js';
export { findKey } from './find-key.js';
export { selectKeys, type KeyRecord } from './key-record.js';
export { KEY_STATES, EXPIRING_WINDOW_DAYS, isLive, type KeyState } from './key-state.js';
export { describeExpiry, describeKey, formatTime, keyRow, KEY_TABLE_HEADERS } from './describe.js';
export { formatDuration, parseDuration, parseLifetime } from './duration.js';
export { searchUsers, type KeyOwner } from './users.js';
export { TOKEN_PATTERN, checkTokenShape, hashToken } from './token.js';
export { KEY_TABLES } from './required-tables.js';
