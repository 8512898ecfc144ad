import { iso } from '../time.js';
import { NULL, type TableGenerator } from '../context.js';

/**
 * The audit trail tells the story of the rows generated before it (sign-ups, logins,
 * projects, invitations, keys, webhooks, workers), so it is written last, in time order.
 */
export const auditLogs: TableGenerator = {
  table: 'audit_logs',
  columns: ['id', 'user_id', 'event_type', 'entity_type', 'entity_id', 'data_json', 'ip_address', 'created_at'],
  estimate: (plan) => plan.userCount * 5 + plan.projectCount * 3,
  *rows(ctx) {
    // Array.prototype.sort is stable, so ties keep the order the generators noted them in.
    const events = ctx.audit.sort((a, b) => a.at - b.at);
    let id = 0;
    for (const e of events) {
      yield `${++id}\t${e.userId ?? NULL}\t${e.type}\t${e.entityType ?? NULL}\t${e.entityId ?? NULL}\t${e.data}\t${e.ip ?? NULL}\t${iso(e.at)}\n`;
    }
  },
};
