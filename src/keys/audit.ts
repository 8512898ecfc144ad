import type { Queryable } from '../db/db.js';

export type KeyEvent = 'api_key.created' | 'api_key.rotated' | 'api_key.revoked' | 'api_key.verify_failed';

export interface KeyAuditEntry {
  event: KeyEvent;
  userId: number | null;
  keyId: number | null;
  /** Facts about the event; callers pass ids, names, prefixes and times, never token material. */
  data: Record<string, unknown>;
  at: Date;
}

export async function writeAudit(db: Queryable, entry: KeyAuditEntry): Promise<void> {
  await db.query(
    `INSERT INTO audit_logs (user_id, event_type, entity_type, entity_id, data_json, created_at)
     VALUES ($1, $2, $3, $4, $5::text::jsonb, $6)`,
    [entry.userId, entry.event, entry.keyId === null ? null : 'api_key', entry.keyId, JSON.stringify(entry.data), entry.at],
  );
}
