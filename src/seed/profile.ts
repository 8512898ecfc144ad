import fs from 'node:fs';
import path from 'node:path';
import type { Queryable } from '../db/db.js';
import { DevdbError } from '../errors.js';
import { packageRoot } from '../paths.js';

export const TIERS = ['free', 'pro', 'premium'] as const;
export type Tier = (typeof TIERS)[number];
export const SCALES = ['tiny', 'small', 'medium', 'large'] as const;
export type Scale = (typeof SCALES)[number];

/** [min, max], both included. */
export type Range = readonly [number, number];

export const TIER_KEYS = [
  'projects',
  'membersPerProject',
  'tasksPerProject',
  'tagsPerProject',
  'labelsPerProject',
  'labelsPerTask',
  'dependenciesPerTask',
  'attachmentsPerTask',
  'commentsPerTask',
  'commentsPerProject',
  'previewJobsPerDay',
  'aiDocJobsPerDay',
  'jobDays',
  'apiKeys',
  'webhooksPerProject',
  'sessions',
  'devices',
  'notifications',
  'favorites',
] as const;
export type TierProfile = Record<(typeof TIER_KEYS)[number], Range>;

export interface ScaleProfile {
  users: number;
  /** Multiplies the ranges that grow with time (tasks, notifications, job days): 1 at full size. */
  content: number;
  workers: { cpu: number; gpu: number };
  heartbeatsPerWorker: number;
}

export interface Profile {
  name: string;
  description: string;
  tierMix: Record<Tier, number>;
  scales: Record<Scale, ScaleProfile>;
  tiers: Record<Tier, TierProfile>;
}

/** The profile range that each tier_limits column caps. */
const CAPPED_BY: Partial<Record<keyof TierProfile, string>> = {
  projects: 'max_projects',
  membersPerProject: 'max_members_per_project',
  tasksPerProject: 'max_tasks_per_project',
  previewJobsPerDay: 'max_preview_jobs_per_day',
  aiDocJobsPerDay: 'max_ai_doc_jobs_per_day',
  apiKeys: 'max_active_api_keys',
  webhooksPerProject: 'max_webhooks_per_project',
};

export const DEFAULT_PROFILE = 'default';
export const seedsDir = path.join(packageRoot, 'seeds');

/** A profile by name (a file in devdb's seeds/ folder) or by path to a JSON file. */
export function loadProfile(nameOrPath: string = DEFAULT_PROFILE): Profile {
  const isPath = nameOrPath.includes('/') || nameOrPath.includes('\\') || nameOrPath.endsWith('.json');
  const file = isPath ? path.resolve(nameOrPath) : path.join(seedsDir, `${nameOrPath}.json`);
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    const known = fs.existsSync(seedsDir) ? fs.readdirSync(seedsDir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)) : [];
    const why = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw new DevdbError('E_USAGE', `Cannot read seed profile ${file} (${why}): use one of ${known.join(', ') || 'the profiles in seeds/'} or a path to a JSON profile.`);
  }
  return validateProfile(raw, isPath ? path.basename(file, '.json') : nameOrPath, file);
}

function validateProfile(raw: unknown, name: string, file: string): Profile {
  const fail = (what: string): never => {
    throw new DevdbError('E_INVALID', `Seed profile ${file}: ${what}. Fix the file (see seeds/default.json for the shape).`);
  };
  const obj = (v: unknown, where: string): Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : fail(`${where} must be an object`);
  const count = (v: unknown, where: string): number => (Number.isInteger(v) && (v as number) >= 0 ? (v as number) : fail(`${where} must be a whole number >= 0`));
  const root = obj(raw, 'the file');
  const mix = obj(root.tierMix, 'tierMix');
  const scales = obj(root.scales, 'scales');
  const tiers = obj(root.tiers, 'tiers');
  const profile: Profile = {
    name,
    description: typeof root.description === 'string' ? root.description : '',
    tierMix: Object.fromEntries(TIERS.map((t) => [t, count(mix[t], `tierMix.${t}`)])) as Record<Tier, number>,
    scales: Object.fromEntries(
      SCALES.map((s) => {
        const sc = obj(scales[s], `scales.${s}`);
        const workers = obj(sc.workers, `scales.${s}.workers`);
        const content = sc.content;
        if (typeof content !== 'number' || !(content > 0 && content <= 1)) fail(`scales.${s}.content must be a number in (0, 1]`);
        return [
          s,
          {
            users: count(sc.users, `scales.${s}.users`),
            content: content as number,
            workers: { cpu: count(workers.cpu, `scales.${s}.workers.cpu`), gpu: count(workers.gpu, `scales.${s}.workers.gpu`) },
            heartbeatsPerWorker: count(sc.heartbeatsPerWorker, `scales.${s}.heartbeatsPerWorker`),
          },
        ];
      }),
    ) as Record<Scale, ScaleProfile>,
    tiers: Object.fromEntries(
      TIERS.map((t) => {
        const tier = obj(tiers[t], `tiers.${t}`);
        return [
          t,
          Object.fromEntries(
            TIER_KEYS.map((k) => {
              const r = tier[k];
              if (!Array.isArray(r) || r.length !== 2) fail(`tiers.${t}.${k} must be a [min, max] pair`);
              const [lo, hi] = [count((r as unknown[])[0], `tiers.${t}.${k}[0]`), count((r as unknown[])[1], `tiers.${t}.${k}[1]`)];
              if (lo > hi) fail(`tiers.${t}.${k} has min ${lo} above max ${hi}`);
              return [k, [lo, hi] as const];
            }),
          ),
        ];
      }),
    ) as Record<Tier, TierProfile>,
  };
  if (TIERS.every((t) => profile.tierMix[t] === 0)) fail('tierMix gives every tier a weight of 0');
  for (const t of TIERS) {
    if (profile.tiers[t].projects[0] < 1) fail(`tiers.${t}.projects must start at 1 or more (every seeded user owns a project)`);
    if (profile.tiers[t].membersPerProject[0] < 1) fail(`tiers.${t}.membersPerProject must start at 1 (the owner is a member)`);
  }
  return profile;
}

export type TierLimits = Record<Tier, Record<string, number>>;

export async function readTierLimits(db: Queryable): Promise<TierLimits> {
  const rows = await db.query('select * from tier_limits');
  const limits = Object.fromEntries(rows.map((r) => [r.tier, r])) as unknown as TierLimits;
  for (const t of TIERS) {
    if (!limits[t]) throw new DevdbError('E_INVALID', `tier_limits has no row for ${t}: run devdb migrate (or devdb reset) so the reference data is in place.`);
  }
  return limits;
}

/** Refuses a profile that would let any user exceed a quota of their tier. */
export function checkProfileAgainstLimits(profile: Profile, limits: TierLimits): void {
  for (const t of TIERS) {
    for (const [key, column] of Object.entries(CAPPED_BY) as [keyof TierProfile, string][]) {
      const max = profile.tiers[t][key][1];
      const limit = limits[t][column]!;
      if (max > limit) {
        throw new DevdbError('E_INVALID', `Seed profile ${profile.name}: tiers.${t}.${key} goes up to ${max} but tier_limits.${column} for ${t} is ${limit}; lower the profile's maximum.`);
      }
    }
  }
}

/** A range shrunk for a smaller scale; a range that starts above 0 keeps at least 1. */
export function scaled(range: Range, factor: number): Range {
  const lo = Math.max(Math.min(range[0], 1), Math.round(range[0] * factor));
  return [lo, Math.max(lo, Math.round(range[1] * factor))];
}
