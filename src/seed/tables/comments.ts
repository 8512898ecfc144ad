import { Random } from '../random.js';
import { DAY, HOUR, MINUTE, REF, iso } from '../time.js';
import { commentBody, replyBody, type TextContext } from '../text.js';
import { NOTIFICATION_TYPES } from '../vocabulary.js';
import { between, mean, memberNames, perUser, type GenContext, type TableGenerator } from '../context.js';
import { perProject, perTask } from './projects.js';

/**
 * Threads are one level deep, as the schema's thread delete (id = $1 OR parent_id = $1)
 * expects: a reply's parent is a top-level comment on the same entity of the same project.
 */
export const comments: TableGenerator = {
  table: 'comments',
  columns: ['id', 'project_id', 'parent_id', 'entity_type', 'entity_id', 'author_id', 'body', 'is_starred', 'created_at', 'updated_at'],
  estimate: (plan) => perTask(plan, (r) => r.commentsPerTask) + perProject(plan, (r) => r.commentsPerProject),
  *rows(ctx: GenContext) {
    const rnd = new Random(ctx.plan.seed, 'comments');
    let id = 0;
    const roots: number[] = [];
    const rootAt: number[] = [];
    function* thread(p: number, type: 'project' | 'task', entity: number, from: number, n: number, members: Int32Array, text: TextContext) {
      roots.length = 0;
      rootAt.length = 0;
      for (let k = 0; k < n; k++) {
        id++;
        let parent = '\\N';
        let created: number;
        let body: string;
        if (roots.length > 0 && rnd.chance(0.45)) {
          const j = rnd.int(0, roots.length - 1);
          parent = String(roots[j]);
          created = between(rnd, rootAt[j]!, Math.min(REF, rootAt[j]! + 3 * DAY));
          body = replyBody(rnd, text);
        } else {
          created = between(rnd, from, REF - MINUTE);
          roots.push(id);
          rootAt.push(created);
          body = commentBody(rnd, text);
        }
        const updated = rnd.chance(0.1) ? between(rnd, created, Math.min(REF, created + HOUR)) : created;
        const author = members[rnd.int(0, members.length - 1)]!;
        yield `${id}\t${p}\t${parent}\t${type}\t${entity}\t${author}\t${body}\t${rnd.chance(0.03) ? 't' : 'f'}\t${iso(created)}\t${iso(updated)}\n`;
      }
    }
    for (let p = 1; p <= ctx.plan.projectCount; p++) {
      const r = ctx.plan.ranges[ctx.plan.userTier[ctx.plan.projectOwner[p - 1]! - 1]!];
      const members = ctx.plan.projectMembers[p - 1]!;
      const text: TextContext = { names: memberNames(ctx, p) };
      yield* thread(
        p,
        'project',
        p,
        ctx.plan.projectCreatedAt[p - 1]!,
        rnd.int(r.commentsPerProject[0], r.commentsPerProject[1]),
        members,
        text,
      );
      const first = ctx.plan.projectFirstTaskId[p - 1]!;
      for (let task = first; task < first + ctx.plan.projectTaskCount[p - 1]!; task++) {
        yield* thread(p, 'task', task, ctx.taskCreatedAt[task - 1]!, rnd.int(r.commentsPerTask[0], r.commentsPerTask[1]), members, text);
      }
    }
  },
};

export const notifications: TableGenerator = {
  table: 'notifications',
  columns: ['id', 'user_id', 'type', 'payload_json', 'is_read', 'created_at', 'updated_at'],
  estimate: (plan) => perUser(plan, (r) => mean(r.notifications)),
  *rows(ctx) {
    const rnd = new Random(ctx.plan.seed, 'notifications');
    let id = 0;
    for (let u = 1; u <= ctx.plan.userCount; u++) {
      const r = ctx.plan.ranges[ctx.plan.userTier[u - 1]!].notifications;
      const mine = ctx.plan.userProjects[u - 1]!;
      const from = Math.max(ctx.plan.userCreatedAt[u - 1]!, REF - 90 * DAY);
      const n = rnd.int(r[0], r[1]);
      for (let k = 0; k < n; k++) {
        const created = between(rnd, from, REF - MINUTE);
        const type = rnd.pick(NOTIFICATION_TYPES);
        const project = mine[rnd.int(0, mine.length - 1)]!;
        const taskCount = ctx.plan.projectTaskCount[project - 1]!;
        const task = taskCount > 0 ? ctx.plan.projectFirstTaskId[project - 1]! + rnd.int(0, taskCount - 1) : 0;
        const actor = ctx.plan.projectMembers[project - 1]![0]!;
        const payload =
          type.startsWith('task.') || type.startsWith('comment.')
            ? task > 0
              ? `{"project_id": ${project}, "task_id": ${task}, "actor_id": ${actor}}`
              : `{"project_id": ${project}, "actor_id": ${actor}}`
            : type === 'api_key.expiring'
              ? `{"days_left": ${rnd.int(1, 14)}}`
              : `{"project_id": ${project}}`;
        // The last days' notifications are mostly unread; older ones mostly read.
        const read = rnd.chance(REF - created > 7 * DAY ? 0.9 : 0.3);
        const updated = read ? between(rnd, created, REF) : created;
        yield `${++id}\t${u}\t${type}\t${payload}\t${read ? 't' : 'f'}\t${iso(created)}\t${iso(updated)}\n`;
      }
    }
  },
};
