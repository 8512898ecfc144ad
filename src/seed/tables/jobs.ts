import type { Tier } from '../defaults.js';
import type { Plan } from '../plan.js';
import { Random, weights } from '../random.js';
import { DAY, MINUTE, REF, dayStart, iso } from '../time.js';
import { docDiff, docSnippet, docSummary, sourcePath } from '../text.js';
import { AI_DOC_ERRORS, PREVIEW_ERRORS, REGIONS } from '../vocabulary.js';
import { NULL, between, mean, perUser, text, type GenContext, type TableGenerator } from '../context.js';

const FINISHED = weights({ succeeded: 84, failed: 10, cancelled: 6 });
const WORKER_STATUS = weights({ online: 80, draining: 8, offline: 12 });

export const workerNodes: TableGenerator = {
  table: 'worker_nodes',
  columns: ['id', 'cloudflare_id', 'type', 'status', 'created_at', 'updated_at'],
  estimate: (plan) => plan.profile.scales[plan.scale].workers.cpu + plan.profile.scales[plan.scale].workers.gpu,
  *rows(ctx) {
    const rnd = new Random(ctx.plan.seed, 'worker_nodes');
    const { cpu, gpu } = ctx.plan.profile.scales[ctx.plan.scale].workers;
    let id = 0;
    for (const [type, n] of [
      ['cpu', cpu],
      ['gpu', gpu],
    ] as const) {
      for (let k = 0; k < n; k++) {
        id++;
        ctx.workerIds[type].push(id);
        const created = REF - rnd.int(30, 400) * DAY;
        ctx.audit.push({
          at: created,
          userId: null,
          type: 'worker.registered',
          entityType: 'worker_node',
          entityId: id,
          data: `{"type": "${type}"}`,
          ip: null,
        });
        yield `${id}\t${type}-${rnd.pick(REGIONS)}-${String(id).padStart(3, '0')}${rnd.hex(3)}\t${type}\t${rnd.weighted(WORKER_STATUS)}\t${iso(created)}\t${iso(between(rnd, created, REF))}\n`;
      }
    }
  },
};

export const workerHeartbeats: TableGenerator = {
  table: 'worker_heartbeats',
  columns: ['id', 'node_id', 'metrics_json', 'recorded_at', 'created_at'],
  estimate: (plan) => workerNodes.estimate(plan) * plan.profile.scales[plan.scale].heartbeatsPerWorker,
  *rows(ctx) {
    const rnd = new Random(ctx.plan.seed, 'worker_heartbeats');
    const beats = ctx.plan.profile.scales[ctx.plan.scale].heartbeatsPerWorker;
    let id = 0;
    for (const [type, ids] of [
      ['cpu', ctx.workerIds.cpu],
      ['gpu', ctx.workerIds.gpu],
    ] as const) {
      for (const node of ids) {
        // Every five minutes, oldest first; load drifts instead of jumping at random.
        let load = rnd.next();
        for (let k = beats; k >= 1; k--) {
          load = Math.min(1, Math.max(0, load + (rnd.next() - 0.5) * 0.2));
          const at = REF - k * 5 * MINUTE + rnd.int(0, 20_000);
          const gpu =
            type === 'gpu'
              ? `, "gpu_util": ${(load * 0.9 + rnd.next() * 0.1).toFixed(3)}, "gpu_mem_mb": ${8000 + Math.round(load * 30000)}`
              : '';
          const metrics = `{"cpu": ${load.toFixed(3)}, "mem_mb": ${1024 + Math.round(load * 6000)}, "queue_depth": ${Math.round(load * load * 40)}, "jobs_running": ${Math.round(load * 8)}${gpu}}`;
          yield `${++id}\t${node}\t${metrics}\t${iso(at)}\t${iso(at + rnd.int(5, 900))}\n`;
        }
      }
    }
  },
};

type JobKind = 'previewJobsPerDay' | 'aiDocJobsPerDay';

function jobEstimate(plan: Plan, kind: JobKind): number {
  return perUser(plan, (r) => mean(r.jobDays) * mean(r[kind]));
}

interface Job {
  user: number;
  tier: Tier;
  project: number;
  created: number;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  completed: number | null;
}

/**
 * Jobs per user and per UTC day, never more in one day than the tier allows (the quota is
 * per day, so it is per day that the profile's range applies).
 */
function* userJobs(ctx: GenContext, rnd: Random, kind: JobKind): Generator<Job> {
  const today = dayStart(REF);
  for (let u = 1; u <= ctx.plan.userCount; u++) {
    const tier = ctx.plan.userTier[u - 1]!;
    const r = ctx.plan.ranges[tier];
    const mine = ctx.plan.userProjects[u - 1]!;
    const firstDay = Math.ceil((today - dayStart(ctx.plan.userCreatedAt[u - 1]!)) / DAY) - 1;
    const days = rnd.sample(Math.min(60, Math.max(0, firstDay)), rnd.int(r.jobDays[0], r.jobDays[1]));
    for (const back of days.reverse()) {
      const day = today - (back + 1) * DAY;
      const n = rnd.int(r[kind][0], r[kind][1]);
      const times = Array.from({ length: n }, () => day + rnd.int(0, DAY - 1)).sort((a, b) => a - b);
      for (const created of times) {
        const fresh = REF - created < 20 * MINUTE;
        const status = fresh ? (rnd.chance(0.5) ? 'queued' : 'running') : rnd.weighted(FINISHED);
        const completed = status === 'queued' || status === 'running' ? null : Math.min(REF, created + rnd.int(5_000, 10 * MINUTE));
        // A job runs on a project that already existed; with none yet, that request never happened.
        let project = mine[rnd.int(0, mine.length - 1)]!;
        if (ctx.plan.projectCreatedAt[project - 1]! > created)
          project = mine.find((p) => ctx.plan.projectCreatedAt[p - 1]! <= created) ?? 0;
        if (project > 0) yield { user: u, tier, project, created, status, completed };
      }
    }
  }
}

const DEVICES = weights({ desktop: 55, mobile: 30, tablet: 15 });

export const previewJobs: TableGenerator = {
  table: 'preview_jobs',
  columns: [
    'id',
    'project_id',
    'requested_by',
    'tier',
    'status',
    'device_type',
    'created_at',
    'updated_at',
    'completed_at',
    'worker_id',
    'error_code',
  ],
  estimate: (plan) => jobEstimate(plan, 'previewJobsPerDay'),
  *rows(ctx) {
    const rnd = new Random(ctx.plan.seed, 'preview_jobs');
    const workers = [...ctx.workerIds.cpu, ...ctx.workerIds.gpu];
    let id = 0;
    for (const job of userJobs(ctx, rnd, 'previewJobsPerDay')) {
      id++;
      const device = rnd.weighted(DEVICES);
      const worker =
        job.status === 'queued' || workers.length === 0 || (job.status === 'cancelled' && rnd.chance(0.5))
          ? NULL
          : String(rnd.pick(workers));
      const error = job.status === 'failed' ? rnd.pick(PREVIEW_ERRORS) : NULL;
      if (job.status === 'succeeded') ctx.previewDone.push({ id, at: job.completed!, project: job.project, device });
      const updated = job.completed ?? job.created;
      yield `${id}\t${job.project}\t${job.user}\t${job.tier}\t${job.status}\t${device}\t${iso(job.created)}\t${iso(updated)}\t${job.completed === null ? NULL : iso(job.completed)}\t${worker}\t${error}\n`;
    }
  },
};

export const previewArtifacts: TableGenerator = {
  table: 'preview_artifacts',
  columns: ['id', 'job_id', 'r2_key', 'version', 'created_at'],
  estimate: (plan) => Math.round(jobEstimate(plan, 'previewJobsPerDay') * 0.84 * 1.3),
  *rows(ctx) {
    const rnd = new Random(ctx.plan.seed, 'preview_artifacts');
    let id = 0;
    for (const job of ctx.previewDone) {
      const versions = rnd.chance(0.7) ? 1 : rnd.int(2, 3);
      for (let v = 1; v <= versions; v++) {
        yield `${++id}\t${job.id}\tpreviews/${job.project}/${job.id}/v${v}/${job.device}.png\t${v}\t${iso(Math.min(REF, job.at + (v - 1) * MINUTE))}\n`;
      }
    }
  },
};

export const aiDocJobs: TableGenerator = {
  table: 'ai_doc_jobs',
  columns: ['id', 'project_id', 'file_path', 'requester_id', 'tier', 'status', 'created_at', 'updated_at', 'completed_at', 'error_code'],
  estimate: (plan) => jobEstimate(plan, 'aiDocJobsPerDay'),
  *rows(ctx) {
    const rnd = new Random(ctx.plan.seed, 'ai_doc_jobs');
    let id = 0;
    for (const job of userJobs(ctx, rnd, 'aiDocJobsPerDay')) {
      id++;
      const file = sourcePath(rnd);
      const error = job.status === 'failed' ? rnd.pick(AI_DOC_ERRORS) : NULL;
      if (job.status === 'succeeded') ctx.docDone.push({ id, from: job.created, to: job.completed!, file });
      yield `${id}\t${job.project}\t${file}\t${job.user}\t${job.tier}\t${job.status}\t${iso(job.created)}\t${iso(job.completed ?? job.created)}\t${job.completed === null ? NULL : iso(job.completed)}\t${error}\n`;
    }
  },
};

export const aiDocHistory: TableGenerator = {
  table: 'ai_doc_history',
  columns: ['id', 'job_id', 'summary', 'diff', 'snippet', 'created_at'],
  estimate: (plan) => Math.round(jobEstimate(plan, 'aiDocJobsPerDay') * 0.84 * 1.4),
  *rows(ctx) {
    const rnd = new Random(ctx.plan.seed, 'ai_doc_history');
    let id = 0;
    const names = { names: [] as string[] };
    for (const job of ctx.docDone) {
      // A run that was revised keeps each draft: summary, then the diff and a usage snippet.
      const runs = rnd.chance(0.65) ? 1 : rnd.int(2, 3);
      for (let k = 0; k < runs; k++) {
        const diff = rnd.chance(0.8) ? text(docDiff(rnd, job.file)) : NULL;
        const snippet = rnd.chance(0.5) ? text(docSnippet(rnd, job.file)) : NULL;
        yield `${++id}\t${job.id}\t${docSummary(rnd, names)}\t${diff}\t${snippet}\t${iso(between(rnd, job.from, job.to))}\n`;
      }
    }
  },
};
