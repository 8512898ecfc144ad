import { copyValue } from '../db/copy.js';
import { TIERS } from './defaults.js';
import type { Plan } from './plan.js';
import type { Random } from './random.js';

/** The few values per user that must look like real people; made with faker, once per run. */
export interface People {
  firstName: string[];
  lastName: string[];
  email: string[];
  avatarUrl: (string | null)[];
  timeZone: string[];
  /** One IP address per session, in session order (faker's, so they look real). */
  sessionIps: string[][];
}

/** Something worth an audit row, noted by the generator that made it. */
export interface AuditEvent {
  at: number;
  userId: number | null;
  type: string;
  entityType: string | null;
  entityId: number | null;
  data: string;
  ip: string | null;
}

/** What generators share: the plan, the people, and facts earlier tables hand to later ones. */
export interface GenContext {
  plan: Plan;
  people: People;
  passwordHash: string;
  /** DEVDB_API_KEY_PEPPER, for the api_keys hashes. */
  pepper: string | undefined;
  /** created_at of every task, by id - 1 (comments and links come after their task). */
  taskCreatedAt: Float64Array;
  workerIds: { cpu: number[]; gpu: number[] };
  /** Succeeded preview jobs (id, completed_at, project, device) for their artifacts. */
  previewDone: { id: number; at: number; project: number; device: string }[];
  /** Succeeded AI-doc jobs (id, created_at, completed_at, file) for their history. */
  docDone: { id: number; from: number; to: number; file: string }[];
  audit: AuditEvent[];
}

/** One table's rows in COPY text format, one line each, in id order. */
export interface TableGenerator {
  table: string;
  columns: readonly string[];
  /** Rows it expects to write, for progress bars; the real count is what `rows` yields. */
  estimate(plan: Plan): number;
  rows(ctx: GenContext): Iterable<string>;
}

/** COPY text for a string that may hold tabs, newlines or backslashes (faker's, diffs). */
export function text(value: string): string {
  return /[\\\t\n\r]/.test(value) ? copyValue(value) : value;
}

export const NULL = '\\N';

/** A moment between `from` and `to` (ms), both included; `to` never before `from`. */
export function between(rnd: Random, from: number, to: number): number {
  return to <= from ? from : from + Math.floor(rnd.next() * (to - from + 1));
}

/** The member names of a project, for templates that mention a colleague. */
export function memberNames(ctx: GenContext, project: number): string[] {
  return Array.from(ctx.plan.projectMembers[project - 1]!, (u) => ctx.people.firstName[u - 1]!);
}

export function mean(range: readonly [number, number]): number {
  return (range[0] + range[1]) / 2;
}

/** Rows a per-user quantity adds up to over all users, from each tier's user count: the one per-user estimate. */
export function perUser(plan: Plan, perTier: (r: Plan['ranges'][keyof Plan['ranges']]) => number): number {
  let n = 0;
  for (const t of TIERS) n += plan.usersByTier[t] * perTier(plan.ranges[t]);
  return Math.round(n);
}
