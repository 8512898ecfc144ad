import { Random, weights } from '../random.js';
import { DAY, HOUR, REF, iso } from '../time.js';
import { projectDescription, projectName } from '../text.js';
import { COLORS, TAGS } from '../vocabulary.js';
import { NULL, between, mean, memberNames, perUser, type GenContext, type TableGenerator } from '../context.js';
import type { Plan } from '../plan.js';

const ownerTier = (plan: Plan, project: number) => plan.userTier[plan.projectOwner[project - 1]! - 1]!;

/** Sums a per-project range mean over all projects (for progress estimates). */
export function perProject(plan: Plan, pick: (r: Plan['ranges'][keyof Plan['ranges']]) => readonly [number, number]): number {
  let n = 0;
  for (let p = 1; p <= plan.projectCount; p++) n += mean(pick(plan.ranges[ownerTier(plan, p)]));
  return Math.round(n);
}

/** Sums a per-task range mean over all tasks (for progress estimates). */
export function perTask(plan: Plan, pick: (r: Plan['ranges'][keyof Plan['ranges']]) => readonly [number, number]): number {
  let n = 0;
  for (let p = 1; p <= plan.projectCount; p++) n += plan.projectTaskCount[p - 1]! * mean(pick(plan.ranges[ownerTier(plan, p)]));
  return Math.round(n);
}

export const projects: TableGenerator = {
  table: 'projects',
  columns: ['id', 'owner_id', 'name', 'description', 'created_at', 'updated_at'],
  estimate: (plan) => plan.projectCount,
  *rows(ctx) {
    const rnd = new Random(ctx.plan.seed, 'projects');
    const namesByOwner = new Map<number, Set<string>>();
    for (let p = 1; p <= ctx.plan.projectCount; p++) {
      const owner = ctx.plan.projectOwner[p - 1]!;
      const taken = namesByOwner.get(owner) ?? new Set<string>();
      namesByOwner.set(owner, taken);
      let name = projectName(rnd);
      // (owner_id, name) is unique: a second "Mobile App" of one owner becomes "Mobile App 2".
      for (let k = 2; taken.has(name); k++) name = `${name.replace(/ \d+$/, '')} ${k}`;
      taken.add(name);
      const created = ctx.plan.projectCreatedAt[p - 1]!;
      const description = rnd.chance(0.8) ? projectDescription(rnd, { names: memberNames(ctx, p) }) : NULL;
      ctx.audit.push({ at: created, userId: owner, type: 'project.created', entityType: 'project', entityId: p, data: '{}', ip: null });
      yield `${p}\t${owner}\t${name}\t${description}\t${iso(created)}\t${iso(between(rnd, created, REF))}\n`;
    }
  },
};

export const projectTags: TableGenerator = {
  table: 'project_tags',
  columns: ['id', 'project_id', 'name', 'color', 'created_at', 'updated_at'],
  estimate: (plan) => perProject(plan, (r) => r.tagsPerProject),
  *rows(ctx) {
    const rnd = new Random(ctx.plan.seed, 'project_tags');
    let id = 0;
    for (let p = 1; p <= ctx.plan.projectCount; p++) {
      const r = ctx.plan.ranges[ownerTier(ctx.plan, p)].tagsPerProject;
      const created = ctx.plan.projectCreatedAt[p - 1]!;
      for (const k of rnd.sample(TAGS.length, rnd.int(r[0], r[1]))) {
        const at = between(rnd, created, Math.min(REF, created + 7 * DAY));
        yield `${++id}\t${p}\t${TAGS[k]}\t${rnd.pick(COLORS)}\t${iso(at)}\t${iso(at)}\n`;
      }
    }
  },
};

const ROLES = weights({ admin: 15, member: 70, viewer: 15 });

export const teamMembers: TableGenerator = {
  table: 'team_members',
  columns: ['id', 'project_id', 'user_id', 'role', 'joined_at', 'created_at', 'updated_at'],
  estimate: (plan) => plan.projectMembers.reduce((n, m) => n + m.length, 0),
  *rows(ctx) {
    const rnd = new Random(ctx.plan.seed, 'team_members');
    let id = 0;
    for (let p = 1; p <= ctx.plan.projectCount; p++) {
      const projectCreated = ctx.plan.projectCreatedAt[p - 1]!;
      const members = ctx.plan.projectMembers[p - 1]!;
      for (let k = 0; k < members.length; k++) {
        const user = members[k]!;
        const owner = k === 0;
        // An invitation goes out once both the project and the invitee exist; it is accepted later.
        const invited = owner ? projectCreated : between(rnd, Math.max(projectCreated, ctx.plan.userCreatedAt[user - 1]!), REF - DAY);
        const joined = owner ? invited : between(rnd, invited, Math.min(REF, invited + 3 * DAY));
        const role = owner ? 'owner' : rnd.weighted(ROLES);
        if (!owner)
          ctx.audit.push({
            at: joined,
            userId: members[0]!,
            type: 'team_member.added',
            entityType: 'project',
            entityId: p,
            data: `{"member_id": ${user}, "role": "${role}"}`,
            ip: null,
          });
        yield `${++id}\t${p}\t${user}\t${role}\t${iso(joined)}\t${iso(invited)}\t${iso(between(rnd, joined, REF))}\n`;
      }
    }
  },
};

export const projectFavorites: TableGenerator = {
  table: 'project_favorites',
  columns: ['user_id', 'project_id', 'created_at'],
  estimate: (plan) => perUser(plan, (r) => mean(r.favorites)),
  *rows(ctx: GenContext) {
    const rnd = new Random(ctx.plan.seed, 'project_favorites');
    for (let u = 1; u <= ctx.plan.userCount; u++) {
      const mine = ctx.plan.userProjects[u - 1]!;
      const r = ctx.plan.ranges[ctx.plan.userTier[u - 1]!].favorites;
      for (const k of rnd.sample(mine.length, rnd.int(r[0], r[1]))) {
        const p = mine[k]!;
        const from = Math.max(ctx.plan.projectCreatedAt[p - 1]!, ctx.plan.userCreatedAt[u - 1]!) + HOUR;
        yield `${u}\t${p}\t${iso(between(rnd, Math.min(from, REF), REF))}\n`;
      }
    }
  },
};
