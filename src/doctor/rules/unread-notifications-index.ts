import { UNREAD_NOTIFICATIONS_INDEX } from '../plan.js';
import type { Rule } from '../rule.js';
import { missingIndexes } from './required-index.js';

export const unreadNotificationsIndex: Rule = {
  id: 'unread-notifications-index',
  title: 'A partial index on notifications (user_id ...) WHERE NOT is_read serves the unread list',
  plan: 'C.2 Indexing (partial indexes, e.g. unread notifications)',
  scope: 'product',
  hint: 'Unread rows are a small, hot slice of a large table; a partial index keeps the badge count and the inbox fast as read rows pile up.',
  check: (model) => missingIndexes(model, [UNREAD_NOTIFICATIONS_INDEX]),
};
