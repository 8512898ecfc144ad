import { TIERS, type Tier } from '../defaults.js';
import type { Plan } from '../plan.js';
import type { Random } from '../random.js';
import type { KeySource } from './generate.js';
import type { ForeignKey } from './layout.js';
import type { ColumnSpec, Value } from './values.js';

/** The facts a row knows about whose it is, so its other keys and its tier agree with them. */
export interface Owner {
  project?: number;
  user?: number;
}

/**
 * devdb's product plan as the schema layer sees it: a key to users, projects or tasks
 * follows the row's owner (a member of its project, a project of its user, a task of its
 * project) and a tier column takes its user's tier. On any other schema there is no plan,
 * and keys point at any row of their target.
 */
export interface Owners {
  /** An index into the source that keeps the row in its owner's world, or undefined to draw any. */
  pick(k: ForeignKey, source: KeySource | undefined, owner: Owner, rnd: Random): number | undefined;
  learn(owner: Owner, k: ForeignKey, key: Value[] | null): void;
  /** Keys to the plan's own tables first: they decide the owner the others follow. */
  byOwnership(a: ForeignKey, b: ForeignKey): number;
  isTierColumn(spec: ColumnSpec): boolean;
  tierOf(user: number): Tier;
}

const KEY_ORDER = ['projects', 'tasks', 'users'];

export function planOwners(plan: Plan, productSchema: string): Owners {
  // Only keys to the product's own users, projects and tasks, numbered 1..n by their generators.
  const tableOf = (k: ForeignKey) =>
    k.targetRef.schema === productSchema && k.refColumns.length === 1 && k.refColumns[0] === 'id' ? k.targetRef.name : null;
  const rank = (k: ForeignKey) => {
    const t = tableOf(k);
    return t && KEY_ORDER.includes(t) ? KEY_ORDER.indexOf(t) : KEY_ORDER.length;
  };
  return {
    pick(k, source, owner, rnd) {
      if (!source || source.count === 0) return undefined;
      const table = tableOf(k);
      if (table === 'users' && owner.project) {
        const members = plan.projectMembers[owner.project - 1]!;
        return members[rnd.int(0, members.length - 1)]! - 1;
      }
      if (table === 'projects' && owner.user) {
        const mine = plan.userProjects[owner.user - 1]!;
        if (mine.length > 0) return mine[rnd.int(0, mine.length - 1)]! - 1;
      }
      if (table === 'tasks' && owner.project) {
        const count = plan.projectTaskCount[owner.project - 1]!;
        if (count > 0) return plan.projectFirstTaskId[owner.project - 1]! + rnd.int(0, count - 1) - 1;
      }
      return undefined;
    },
    learn(owner, k, key) {
      const table = tableOf(k);
      if (!table || !key || typeof key[0] !== 'number') return;
      if (table === 'projects') owner.project ??= key[0];
      if (table === 'users') owner.user ??= key[0];
      if (table === 'tasks') owner.project ??= projectOfTask(plan, key[0]);
    },
    byOwnership: (a, b) => rank(a) - rank(b),
    isTierColumn: (spec) => {
      const labels = spec.facts.labels;
      return labels !== null && labels.length === TIERS.length && TIERS.every((t) => labels.includes(t));
    },
    tierOf: (user) => plan.userTier[user - 1]!,
  };
}

/** The project a task belongs to (tasks are numbered project by project). */
function projectOfTask(plan: Plan, task: number): number {
  let lo = 0;
  let hi = plan.projectCount - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (plan.projectFirstTaskId[mid]! <= task) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}
