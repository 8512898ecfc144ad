import fs from 'node:fs';
import path from 'node:path';
import type { Queryable } from '../db/db.js';
import { DevdbError } from '../errors.js';
import { packageRoot } from '../paths.js';
import { parseJsonText, readInputFile } from '../util/input-file.js';

import { DEFAULT_PROFILE, LIMITS, SCALES, TIERS, type Scale, type Tier } from './defaults.js';
import { GENERATOR_NAMES } from './schema/named.js';

export type { Scale, Tier };

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
  /** Rows of a table without a parent in a schema devdb has no generators for (a table's `rows` wins). */
  rows: number;
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
  /** How the schema-driven layer shapes a table (a new one, or new columns of a known one). */
  tables: Record<string, TableProfile>;
}

/** A scalar a profile may list as a column's value set; arrays and JSON go in as their text. */
export type ProfileValue = string | number | boolean | null;

export interface TableProfile {
  /** Left empty by the seed (and so are the tables whose required keys point only at it). */
  empty: boolean;
  /** The table whose rows the count is per (one of its foreign keys' targets); default: picked from its keys. */
  parent?: string | undefined;
  /** Rows per parent row, [min, max]. */
  rowsPerParent?: Range | undefined;
  /** Rows of a table without a parent. */
  rows?: number | undefined;
  /** The values a column takes, drawn uniformly (one value: every row gets it). */
  values: Record<string, ProfileValue[]>;
  /** A named text generator per column (GENERATOR_NAMES: email, fullName, url, ...). */
  generators: Record<string, string>;
  /** Columns with a default that are filled anyway (default: a default is left to the database). */
  fill: string[];
}

/** What a `tables` entry of a profile (or a project's devdb.seed.json) may say. */
const TABLE_KEYS = ['empty', 'rows', 'parent', 'rowsPerParent', 'values', 'generators', 'fill'];

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

export const seedsDir = path.join(packageRoot, 'seeds');

/** A profile by name (a file in devdb's seeds/ folder) or by path to a JSON file. */
export function loadProfile(nameOrPath: string = DEFAULT_PROFILE): Profile {
  const isPath = nameOrPath.includes('/') || nameOrPath.includes('\\') || nameOrPath.endsWith('.json');
  const file = isPath ? path.resolve(nameOrPath) : path.join(seedsDir, `${nameOrPath}.json`);
  // A regular file of bounded size, its contents never quoted in an error (`--profile /etc/passwd`).
  const text = readInputFile(file, { what: 'the seed profile', code: 'E_USAGE' });
  if (text === undefined) {
    const known = fs.existsSync(seedsDir)
      ? fs
          .readdirSync(seedsDir)
          .filter((f) => f.endsWith('.json'))
          .map((f) => f.slice(0, -5))
      : [];
    throw new DevdbError(
      'E_USAGE',
      `Cannot read seed profile ${file} (no such file): use one of ${known.join(', ') || 'the profiles in seeds/'} or a path to a JSON profile.`,
    );
  }
  const raw = parseJsonText(text, file, 'the seed profile', 'E_USAGE');
  return validateProfile(isPath ? overDefault(raw) : raw, isPath ? path.basename(file, '.json') : nameOrPath, file);
}

/**
 * A profile file says only what it changes: a project's seed file may hold nothing but
 * `tables`, or one scale's `rows`. What it leaves out comes from devdb's default profile.
 */
function overDefault(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  const base = JSON.parse(fs.readFileSync(path.join(seedsDir, `${DEFAULT_PROFILE}.json`), 'utf8')) as Record<string, unknown>;
  const own = raw as Record<string, unknown>;
  const merged: Record<string, unknown> = { ...base, ...own, description: own.description ?? '' };
  for (const key of ['scales', 'tiers'] as const) merged[key] = mergeTwoLevels(base[key], own[key]);
  return merged;
}

function mergeTwoLevels(base: unknown, own: unknown): unknown {
  if (!isObject(own) || !isObject(base)) return own ?? base;
  return Object.fromEntries(
    [...new Set([...Object.keys(base), ...Object.keys(own)])].map((k) => [
      k,
      isObject(base[k]) && isObject(own[k]) ? { ...base[k], ...own[k] } : (own[k] ?? base[k]),
    ]),
  );
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function validateProfile(raw: unknown, name: string, file: string): Profile {
  const fail = (what: string): never => {
    throw new DevdbError('E_INVALID', `Seed profile ${file}: ${what}. Fix the file (see seeds/default.json for the shape).`);
  };
  const obj = (v: unknown, where: string): Record<string, unknown> =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : fail(`${where} must be an object`);
  const count = (v: unknown, where: string, max: number): number => {
    if (!Number.isInteger(v) || (v as number) < 0) fail(`${where} must be a whole number >= 0`);
    // Above the bound is a usage error: it would run out of memory or for hours, not fail cleanly.
    if ((v as number) > max)
      throw new DevdbError('E_USAGE', `Seed profile ${file}: ${where} is ${v}, above the maximum of ${max}; lower it.`);
    return v as number;
  };
  const range = (r: unknown, where: string, max: number): Range => {
    if (!Array.isArray(r) || r.length !== 2) fail(`${where} must be a [min, max] pair`);
    const [lo, hi] = [count((r as unknown[])[0], `${where}[0]`, max), count((r as unknown[])[1], `${where}[1]`, max)];
    if (lo > hi) fail(`${where} has min ${lo} above max ${hi}`);
    return [lo, hi] as const;
  };
  const root = obj(raw, 'the file');
  const mix = obj(root.tierMix, 'tierMix');
  const scales = obj(root.scales, 'scales');
  const tiers = obj(root.tiers, 'tiers');
  const profile: Profile = {
    name,
    description: typeof root.description === 'string' ? root.description : '',
    tierMix: Object.fromEntries(TIERS.map((t) => [t, count(mix[t], `tierMix.${t}`, 1_000_000)])) as Record<Tier, number>,
    scales: Object.fromEntries(
      SCALES.map((s) => {
        const sc = obj(scales[s], `scales.${s}`);
        const workers = obj(sc.workers, `scales.${s}.workers`);
        const content = sc.content;
        if (typeof content !== 'number' || !(content > 0 && content <= 1)) fail(`scales.${s}.content must be a number in (0, 1]`);
        return [
          s,
          {
            users: count(sc.users, `scales.${s}.users`, LIMITS.users),
            rows: count(sc.rows, `scales.${s}.rows`, LIMITS.tableRows),
            content: content as number,
            workers: {
              cpu: count(workers.cpu, `scales.${s}.workers.cpu`, LIMITS.workers),
              gpu: count(workers.gpu, `scales.${s}.workers.gpu`, LIMITS.workers),
            },
            heartbeatsPerWorker: count(sc.heartbeatsPerWorker, `scales.${s}.heartbeatsPerWorker`, LIMITS.heartbeatsPerWorker),
          },
        ];
      }),
    ) as Record<Scale, ScaleProfile>,
    tiers: Object.fromEntries(
      TIERS.map((t) => {
        const tier = obj(tiers[t], `tiers.${t}`);
        return [t, Object.fromEntries(TIER_KEYS.map((k) => [k, range(tier[k], `tiers.${t}.${k}`, LIMITS.rangeMax)]))];
      }),
    ) as Record<Tier, TierProfile>,
    tables: Object.fromEntries(
      Object.entries(root.tables === undefined ? {} : obj(root.tables, 'tables')).map(([name, v]) => {
        const where = `tables.${name}`;
        const entry = obj(v, where);
        const unknown = Object.keys(entry).filter((k) => !TABLE_KEYS.includes(k));
        if (unknown.length > 0) fail(`${where} has unknown keys (${unknown.join(', ')}); use ${TABLE_KEYS.join(', ')}`);
        if (entry.parent !== undefined && typeof entry.parent !== 'string') fail(`${where}.parent must be a table name`);
        if (entry.empty !== undefined && typeof entry.empty !== 'boolean') fail(`${where}.empty must be true or false`);
        const generators = Object.entries(entry.generators === undefined ? {} : obj(entry.generators, `${where}.generators`)).map(
          ([column, name]) => {
            if (typeof name !== 'string' || !GENERATOR_NAMES.includes(name))
              fail(`${where}.generators.${column} must be one of ${GENERATOR_NAMES.join(', ')} (got ${JSON.stringify(name)})`);
            return [column, name as string] as const;
          },
        );
        const values = Object.entries(entry.values === undefined ? {} : obj(entry.values, `${where}.values`)).map(([column, list]) => {
          const ok =
            Array.isArray(list) && list.length > 0 && list.every((x) => x === null || ['string', 'number', 'boolean'].includes(typeof x));
          if (!ok) fail(`${where}.values.${column} must be a non-empty list of strings, numbers, booleans or null`);
          return [column, list as ProfileValue[]] as const;
        });
        const fill = entry.fill === undefined ? [] : entry.fill;
        if (!Array.isArray(fill) || !fill.every((c) => typeof c === 'string')) fail(`${where}.fill must be a list of column names`);
        const table: TableProfile = {
          empty: entry.empty === true,
          parent: entry.parent as string | undefined,
          rowsPerParent:
            entry.rowsPerParent === undefined ? undefined : range(entry.rowsPerParent, `${where}.rowsPerParent`, LIMITS.rowsPerParent),
          rows: entry.rows === undefined ? undefined : count(entry.rows, `${where}.rows`, LIMITS.tableRows),
          values: Object.fromEntries(values),
          generators: Object.fromEntries(generators),
          fill: fill as string[],
        };
        return [name, table] as const;
      }),
    ),
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
  const rows = await db.query('SELECT * FROM tier_limits');
  const limits = Object.fromEntries(rows.map((r) => [r.tier, r])) as unknown as TierLimits;
  for (const t of TIERS) {
    if (!limits[t])
      throw new DevdbError(
        'E_INVALID',
        `tier_limits has no row for ${t}: run devdb migrate (or devdb reset) so the reference data is in place.`,
      );
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
        throw new DevdbError(
          'E_INVALID',
          `Seed profile ${profile.name}: tiers.${t}.${key} goes up to ${max} but tier_limits.${column} for ${t} is ${limit}; lower the profile's maximum.`,
        );
      }
    }
  }
}

/** A range shrunk for a smaller scale; a range that starts above 0 keeps at least 1. */
export function scaled(range: Range, factor: number): Range {
  const lo = Math.max(Math.min(range[0], 1), Math.round(range[0] * factor));
  return [lo, Math.max(lo, Math.round(range[1] * factor))];
}
