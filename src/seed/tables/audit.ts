import { iso } from '../time.js';
import { NULL, type TableGenerator } from '../context.js';
import { workerNodes } from './jobs.js';
import { apiKeys, webhookEndpoints } from './keys.js';
import { teamMembers } from './projects.js';
import { sessions, users } from './users.js';

/**
 * The audit trail tells the story of the rows generated before it (sign-ups, logins,
 * projects, invitations, keys, webhooks, workers), so it is written last, in time order.
 */
export const auditLogs: TableGenerator = {
  table: 'audit_logs',
  columns: ['id', 'user_id', 'event_type', 'entity_type', 'entity_id', 'data_json', 'ip_address', 'created_at'],
  // One event per sign-up, login, project or invitation (team members), worker, webhook; keys add rotations and ends.
  estimate: (plan) =>
    users.estimate(plan) +
    sessions.estimate(plan) +
    teamMembers.estimate(plan) +
    workerNodes.estimate(plan) +
    webhookEndpoints.estimate(plan) +
    Math.round(apiKeys.estimate(plan) * 1.5),
  *rows(ctx) {
    // Array.prototype.sort is stable, so ties keep the order the generators noted them in.
    const events = ctx.audit.sort((a, b) => a.at - b.at);
    let id = 0;
    for (const e of events) {
      yield `${++id}\t${e.userId ?? NULL}\t${e.type}\t${e.entityType ?? NULL}\t${e.entityId ?? NULL}\t${e.data}\t${e.ip ?? NULL}\t${iso(e.at)}\n`;
    }
  },
};
