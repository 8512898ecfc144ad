import { Random, weights } from '../random.js';
import { DAY, HOUR, MINUTE, REF, iso, isoDate } from '../time.js';
import { taskDescription, taskTitle, type TextContext } from '../text.js';
import { ATTACHMENTS, COLORS, EXTERNAL_LINKS, LABELS } from '../vocabulary.js';
import { NULL, between, memberNames, type GenContext, type TableGenerator } from '../context.js';
import { perTask } from './projects.js';

const tierOf = (ctx: GenContext, project: number) => ctx.plan.userTier[ctx.plan.projectOwner[project - 1]! - 1]!;

export const taskLabels: TableGenerator = {
  table: 'task_labels',
  columns: ['id', 'project_id', 'name', 'color', 'created_at', 'updated_at'],
  estimate: (plan) => plan.projectLabelCount.reduce((a, b) => a + b, 0),
  *rows(ctx) {
    const rnd = new Random(ctx.plan.seed, 'task_labels');
    let id = 0;
    for (let p = 1; p <= ctx.plan.projectCount; p++) {
      const created = ctx.plan.projectCreatedAt[p - 1]!;
      for (const k of rnd.sample(LABELS.length, ctx.plan.projectLabelCount[p - 1]!)) {
        const at = between(rnd, created, Math.min(REF, created + 2 * DAY));
        yield `${++id}\t${p}\t${LABELS[k]}\t${rnd.pick(COLORS)}\t${iso(at)}\t${iso(at)}\n`;
      }
    }
  },
};

/** Older work is mostly finished; recent work is mostly open. */
const OLD = weights({ todo: 10, in_progress: 6, in_review: 4, done: 70, cancelled: 10 });
const RECENT = weights({ todo: 42, in_progress: 25, in_review: 10, done: 20, cancelled: 3 });

export const tasks: TableGenerator = {
  table: 'tasks',
  columns: ['id', 'project_id', 'title', 'description', 'status', 'assignee_id', 'due_date', 'created_by', 'created_at', 'updated_at'],
  estimate: (plan) => plan.taskCount,
  *rows(ctx) {
    const rnd = new Random(ctx.plan.seed, 'tasks');
    let id = 0;
    for (let p = 1; p <= ctx.plan.projectCount; p++) {
      const members = ctx.plan.projectMembers[p - 1]!;
      const text: TextContext = { names: memberNames(ctx, p) };
      const projectCreated = ctx.plan.projectCreatedAt[p - 1]!;
      for (let k = 0; k < ctx.plan.projectTaskCount[p - 1]!; k++) {
        id++;
        const created = between(rnd, projectCreated, REF - MINUTE);
        ctx.taskCreatedAt[id - 1] = created;
        const status = rnd.weighted(REF - created > 45 * DAY ? OLD : RECENT);
        const assignee = status === 'todo' && rnd.chance(0.4) ? NULL : String(members[rnd.int(0, members.length - 1)]);
        const due = rnd.chance(0.45) ? isoDate(created + rnd.int(2, 60) * DAY) : NULL;
        const description = rnd.chance(0.7) ? taskDescription(rnd, text) : NULL;
        yield `${id}\t${p}\t${taskTitle(rnd, text)}\t${description}\t${status}\t${assignee}\t${due}\t${members[rnd.int(0, members.length - 1)]}\t${iso(created)}\t${iso(between(rnd, created, REF))}\n`;
      }
    }
  },
};

/** Calls `fn(taskId, created)` for every task of every project, with its tier's ranges. */
function* eachTask<T>(
  ctx: GenContext,
  fn: (task: number, project: number, created: number, r: GenContext['plan']['ranges']['free']) => Iterable<T>,
): Generator<T> {
  for (let p = 1; p <= ctx.plan.projectCount; p++) {
    const r = ctx.plan.ranges[tierOf(ctx, p)];
    const first = ctx.plan.projectFirstTaskId[p - 1]!;
    const count = ctx.plan.projectTaskCount[p - 1]!;
    for (let task = first; task < first + count; task++) yield* fn(task, p, ctx.taskCreatedAt[task - 1]!, r);
  }
}

export const taskLabelLinks: TableGenerator = {
  table: 'task_label_links',
  columns: ['task_id', 'label_id', 'created_at'],
  estimate: (plan) => perTask(plan, (r) => r.labelsPerTask),
  rows(ctx) {
    const rnd = new Random(ctx.plan.seed, 'task_label_links');
    return eachTask(ctx, function* (task, p, created, r) {
      const firstLabel = ctx.plan.projectFirstLabelId[p - 1]!;
      for (const k of rnd.sample(ctx.plan.projectLabelCount[p - 1]!, rnd.int(r.labelsPerTask[0], r.labelsPerTask[1]))) {
        yield `${task}\t${firstLabel + k}\t${iso(between(rnd, created, Math.min(REF, created + HOUR)))}\n`;
      }
    });
  },
};

export const taskDependencies: TableGenerator = {
  table: 'task_dependencies',
  columns: ['task_id', 'depends_on_task_id', 'created_at'],
  estimate: (plan) => perTask(plan, (r) => [0.35 * Math.max(1, r.dependenciesPerTask[0]), 0.35 * Math.max(1, r.dependenciesPerTask[1])]),
  rows(ctx) {
    const rnd = new Random(ctx.plan.seed, 'task_dependencies');
    return eachTask(ctx, function* (task, p, created, r) {
      const first = ctx.plan.projectFirstTaskId[p - 1]!;
      const earlier = task - first;
      if (earlier === 0 || !rnd.chance(0.35)) return;
      // Only on earlier tasks of the same project, and close to it: acyclic by construction.
      const window = Math.min(earlier, 40);
      for (const k of rnd.sample(window, rnd.int(Math.max(1, r.dependenciesPerTask[0]), Math.max(1, r.dependenciesPerTask[1])))) {
        const on = task - window + k;
        yield `${task}\t${on}\t${iso(between(rnd, Math.max(created, ctx.taskCreatedAt[on - 1]!), REF))}\n`;
      }
    });
  },
};

export const taskAttachments: TableGenerator = {
  table: 'task_attachments',
  columns: ['id', 'task_id', 'file_name', 'content_type', 'size_bytes', 'r2_key', 'external_url', 'uploaded_at', 'created_at'],
  estimate: (plan) => perTask(plan, (r) => [0.2 * Math.max(1, r.attachmentsPerTask[0]), 0.2 * Math.max(1, r.attachmentsPerTask[1])]),
  rows(ctx) {
    const rnd = new Random(ctx.plan.seed, 'task_attachments');
    let id = 0;
    return eachTask(ctx, function* (task, p, created, r) {
      if (!rnd.chance(0.2)) return;
      const n = rnd.int(Math.max(1, r.attachmentsPerTask[0]), Math.max(1, r.attachmentsPerTask[1]));
      for (let k = 0; k < n; k++) {
        id++;
        const at = between(rnd, created, REF);
        const uploaded = between(rnd, at, Math.min(REF, at + 2 * MINUTE));
        if (rnd.chance(0.7)) {
          const [base, type, min, max] = rnd.pick(ATTACHMENTS);
          const name = k === 0 ? base : base.replace('.', `-${k + 1}.`);
          yield `${id}\t${task}\t${name}\t${type}\t${rnd.int(min, max)}\tattachments/${p}/${task}/${rnd.hex(8)}/${name}\t${NULL}\t${iso(uploaded)}\t${iso(at)}\n`;
        } else {
          const url = rnd
            .pick(EXTERNAL_LINKS)
            .replace('{id}', rnd.hex(10))
            .replace('{slug}', rnd.pick(['web-app', 'api', 'design-system', 'mobile']))
            .replace('{n}', String(rnd.int(100, 9999)));
          const name = url.includes('figma')
            ? 'Design mockups'
            : url.includes('github')
              ? 'Pull request'
              : url.includes('loom')
                ? 'Walkthrough video'
                : 'Spec document';
          yield `${id}\t${task}\t${name}\t${NULL}\t${NULL}\t${NULL}\t${url}\t${iso(at)}\t${iso(at)}\n`;
        }
      }
    });
  },
};
