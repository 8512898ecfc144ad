import { TIERS, type Scale, type Tier } from './defaults.js';
import { scaled, type Profile, type Range, type TierProfile } from './profile.js';
import { Random } from './random.js';
import { DAY, HOUR, REF } from './time.js';

/** The ranges that grow with how long the product has been used, shrunk at smaller scales. */
const CONTENT_KEYS = [
  'projects',
  'tasksPerProject',
  'commentsPerProject',
  'notifications',
  'jobDays',
  'previewJobsPerDay',
  'aiDocJobsPerDay',
] as const;

export interface PlanOptions {
  seed: number;
  scale: Scale;
  users?: number | undefined;
  tiers?: readonly Tier[] | undefined;
}

/**
 * The skeleton every table hangs on: who exists, which projects they own, who works on
 * each, and how many tasks each has. Ids are positions (user i has id i + 1), so every
 * generator can compute the ids it references without asking the database.
 */
export interface Plan {
  seed: number;
  scale: Scale;
  profile: Profile;
  /** The profile's ranges for each tier at this scale. */
  ranges: Record<Tier, TierProfile>;
  userCount: number;
  userTier: Tier[];
  usersByTier: Record<Tier, number>;
  userCreatedAt: Float64Array;
  projectCount: number;
  projectOwner: Int32Array;
  projectCreatedAt: Float64Array;
  /** Member user ids of each project, the owner first. */
  projectMembers: Int32Array[];
  projectTaskCount: Int32Array;
  projectFirstTaskId: Float64Array;
  projectLabelCount: Int32Array;
  projectFirstLabelId: Float64Array;
  /** Project ids each user belongs to (owned or invited), in id order. */
  userProjects: number[][];
  taskCount: number;
}

export function tierCounts(total: number, mix: Record<Tier, number>, allowed: readonly Tier[]): Record<Tier, number> {
  let weights = TIERS.map((t) => (allowed.includes(t) ? mix[t] : 0));
  // Tiers named on the command line are seeded even when the profile gives them no weight.
  if (weights.every((w) => w === 0)) weights = TIERS.map((t) => (allowed.includes(t) ? 1 : 0));
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (w * total) / sum);
  const counts = exact.map(Math.floor);
  // Largest remainder, so a small run still has every tier it was asked for.
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  let left = total - counts.reduce((a, b) => a + b, 0);
  for (const [, i] of order) {
    if (left-- <= 0) break;
    counts[i]!++;
  }
  return Object.fromEntries(TIERS.map((t, i) => [t, counts[i]!])) as Record<Tier, number>;
}

export function makePlan(profile: Profile, options: PlanOptions): Plan {
  const rnd = new Random(options.seed, 'plan');
  const scale = profile.scales[options.scale];
  const ranges = Object.fromEntries(
    TIERS.map((t) => {
      const base = profile.tiers[t];
      const out = { ...base } as Record<keyof TierProfile, Range>;
      for (const k of CONTENT_KEYS) out[k] = scaled(base[k], scale.content);
      return [t, out];
    }),
  ) as Record<Tier, TierProfile>;
  const between = (r: Range) => rnd.int(r[0], r[1]);

  const userCount = options.users ?? scale.users;
  const counts = tierCounts(userCount, profile.tierMix, options.tiers && options.tiers.length > 0 ? options.tiers : TIERS);
  const userTier: Tier[] = TIERS.flatMap((t) => Array<Tier>(counts[t]).fill(t));
  for (let i = userTier.length - 1; i > 0; i--) {
    const j = rnd.int(0, i);
    [userTier[i], userTier[j]] = [userTier[j]!, userTier[i]!];
  }
  // Sign-ups over the last two years, the oldest first (ids grow with time, as in production).
  const userCreatedAt = Float64Array.from({ length: userCount }, () => REF - rnd.int(2 * DAY, 730 * DAY)).sort();

  const owner: number[] = [];
  const createdAt: number[] = [];
  const members: Int32Array[] = [];
  const taskCounts: number[] = [];
  const labelCounts: number[] = [];
  const userProjects: number[][] = Array.from({ length: userCount }, () => []);
  for (let u = 0; u < userCount; u++) {
    const r = ranges[userTier[u]!];
    const n = between(r.projects);
    for (let k = 0; k < n; k++) {
      const id = owner.length + 1;
      owner.push(u + 1);
      createdAt.push(userCreatedAt[u]! + rnd.int(HOUR, Math.max(HOUR, REF - DAY - userCreatedAt[u]!)));
      const want = Math.min(between(r.membersPerProject), userCount);
      const ids = [u + 1];
      const seen = new Set(ids);
      while (ids.length < want) {
        const other = rnd.int(1, userCount);
        if (!seen.has(other)) {
          seen.add(other);
          ids.push(other);
        }
      }
      members.push(Int32Array.from(ids));
      for (const m of ids) userProjects[m - 1]!.push(id);
      taskCounts.push(between(r.tasksPerProject));
      labelCounts.push(between(r.labelsPerProject));
    }
  }
  const projectCount = owner.length;
  const firstTask = new Float64Array(projectCount);
  const firstLabel = new Float64Array(projectCount);
  let nextTask = 1;
  let nextLabel = 1;
  for (let p = 0; p < projectCount; p++) {
    firstTask[p] = nextTask;
    firstLabel[p] = nextLabel;
    nextTask += taskCounts[p]!;
    nextLabel += labelCounts[p]!;
  }
  for (const list of userProjects) list.sort((a, b) => a - b);
  return {
    seed: options.seed,
    scale: options.scale,
    profile,
    ranges,
    userCount,
    userTier,
    usersByTier: counts,
    userCreatedAt,
    projectCount,
    projectOwner: Int32Array.from(owner),
    projectCreatedAt: Float64Array.from(createdAt),
    projectMembers: members,
    projectTaskCount: Int32Array.from(taskCounts),
    projectFirstTaskId: firstTask,
    projectLabelCount: Int32Array.from(labelCounts),
    projectFirstLabelId: firstLabel,
    userProjects,
    taskCount: nextTask - 1,
  };
}
