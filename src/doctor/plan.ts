import { ENTITIES } from '../search/entities.js';

/**
 * What the product's schema plan asks of the schema, as data: the domains of C.3, the
 * relationships of C.6, the search and partial indexes of C.2/C.4, the secrets of C.2 Security.
 * The plan itself is `../shared/spec/phase-c-schema-plan.md`, the team's shared folder checked out
 * beside this repository (not inside it). This is the plan, not a copy of the schema; the rules
 * compare it with the live catalog.
 */
export const PLAN_DOMAINS = [
  'users',
  'projects',
  'teams',
  'tasks',
  'comments',
  'notifications',
  'previews',
  'ai_docs',
  'workers',
  'audit',
  'webhooks_api_keys',
] as const;

export interface PlannedRelationship {
  /** As the plan writes it. */
  label: string;
  parent: string;
  child: string;
  kind: 'foreign-key' | 'polymorphic';
}

export const PLAN_RELATIONSHIPS: PlannedRelationship[] = [
  { label: 'Users → Projects (1:N)', parent: 'users', child: 'projects', kind: 'foreign-key' },
  { label: 'Users → Sessions (1:N)', parent: 'users', child: 'sessions', kind: 'foreign-key' },
  { label: 'Projects → Tasks (1:N)', parent: 'projects', child: 'tasks', kind: 'foreign-key' },
  { label: 'Projects → Comments (1:N)', parent: 'projects', child: 'comments', kind: 'foreign-key' },
  { label: 'Projects → TeamMembers (1:N)', parent: 'projects', child: 'team_members', kind: 'foreign-key' },
  { label: 'Tasks → Attachments (1:N)', parent: 'tasks', child: 'task_attachments', kind: 'foreign-key' },
  { label: 'Tasks → Comments (polymorphic)', parent: 'tasks', child: 'comments', kind: 'polymorphic' },
  { label: 'PreviewJobs → PreviewArtifacts (1:N)', parent: 'preview_jobs', child: 'preview_artifacts', kind: 'foreign-key' },
  { label: 'AIDocJobs → AIDocHistory (1:N)', parent: 'ai_doc_jobs', child: 'ai_doc_history', kind: 'foreign-key' },
  { label: 'WorkerNodes → WorkerHeartbeats (1:N)', parent: 'worker_nodes', child: 'worker_heartbeats', kind: 'foreign-key' },
];

export interface RequiredIndex {
  why: string;
  table: string;
  /** The index's leading key columns, in order. */
  columns: string[];
  method: string;
  opclass?: string;
  /** Accepted WHERE clauses, compared without case, spaces or parentheses; absent = not partial. */
  predicates?: string[];
}

/** One per searchable column, from the search capability's registry (src/search/entities.ts). */
export const TRIGRAM_INDEXES: RequiredIndex[] = ENTITIES.map((e) => ({
  why: `${e.kind} search (C.4)`,
  table: e.table,
  columns: [e.column],
  method: 'gin',
  opclass: 'gin_trgm_ops',
}));

export const UNREAD_NOTIFICATIONS_INDEX: RequiredIndex = {
  why: 'the unread badge and inbox (C.2 Indexing: partial index for unread notifications)',
  table: 'notifications',
  columns: ['user_id'],
  method: 'btree',
  predicates: ['NOT is_read', 'is_read = false', 'is_read IS FALSE', 'is_read IS NOT TRUE', 'is_read <> true'],
};

/** C.2 Security: "API keys must store hashed values only"; C.3.1 stores a password hash. */
export const HASHED_SECRETS: { table: string; what: string }[] = [
  { table: 'users', what: 'the password' },
  { table: 'api_keys', what: 'the API key' },
];

/** Words in a column name that say "a secret lives here" (C.2 Security: no secrets in plaintext). */
export const SECRET_WORDS = ['password', 'passwd', 'pwd', 'secret', 'token', 'apikey', 'credential', 'credentials', 'privatekey'];
export const SECRET_PHRASES = ['api_key', 'private_key', 'access_key', 'secret_key', 'auth_key', 'signing_key'];
/** Words that say the secret is stored transformed. */
export const PROTECTED_WORDS = ['hash', 'hashed', 'digest', 'ciphertext', 'encrypted', 'enc', 'bcrypt', 'argon2', 'scrypt'];
/** Column names that hold personal data and so need `sensitive: pii`. */
export const PII_NAMES = [
  'email',
  'phone',
  'phone_number',
  'ip',
  'ip_address',
  'user_agent',
  'ssn',
  'date_of_birth',
  'birth_date',
  'birthdate',
  'first_name',
  'last_name',
  'full_name',
  'display_name',
  'street_address',
  'postal_address',
];
export const SENSITIVE_KINDS = ['hashed', 'encrypted', 'pii'];
