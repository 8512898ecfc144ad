import type { TableGenerator } from './context.js';
import { auditLogs } from './tables/audit.js';
import { comments, notifications } from './tables/comments.js';
import { aiDocHistory, aiDocJobs, previewArtifacts, previewJobs, workerHeartbeats, workerNodes } from './tables/jobs.js';
import { apiKeys, webhookEndpoints } from './tables/keys.js';
import { projectFavorites, projectTags, projects, teamMembers } from './tables/projects.js';
import { taskAttachments, taskDependencies, taskLabelLinks, taskLabels, tasks } from './tables/tasks.js';
import { deviceSessions, sessions, userProfiles, users } from './tables/users.js';

/**
 * Every table devdb seeds, in load order: a table comes after the tables it references and
 * after the generators whose facts it uses (audit_logs last, as it retells the others).
 * tier_limits is reference data from the migrations and is never seeded.
 */
export const GENERATORS: readonly TableGenerator[] = [
  users,
  userProfiles,
  sessions,
  deviceSessions,
  projects,
  projectTags,
  teamMembers,
  projectFavorites,
  taskLabels,
  tasks,
  taskLabelLinks,
  taskDependencies,
  taskAttachments,
  comments,
  notifications,
  workerNodes,
  workerHeartbeats,
  previewJobs,
  previewArtifacts,
  aiDocJobs,
  aiDocHistory,
  webhookEndpoints,
  apiKeys,
  auditLogs,
];

export const SEEDED_TABLES: readonly string[] = GENERATORS.map((g) => g.table);
