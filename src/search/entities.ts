/**
 * What devdb search looks through: one table, one text column each. This registry is the one
 * list: the queries, the lexicon maintenance test, doctor's trigram-index rule
 * (src/doctor/plan.ts) and the migration's triggers are all checked against it
 * (test/search/entities.test.ts fails when an entity is added halfway).
 */
export type EntityKind = 'project' | 'task' | 'comment';

export interface Entity {
  kind: EntityKind;
  /** The name `--in` takes. */
  plural: string;
  table: string;
  column: string;
  /** The column that names the hit's project (a project is its own). */
  projectColumn: string;
  /** The trigram GIN index (gin_trgm_ops) on the column, which the schema plan asks for (doctor checks it). */
  index: string;
  /** The GIN index of the column's search keys (words, symbol runs, word pairs): what an index read of devdb search reads. */
  keysIndex: string;
  /** The primary key's btree: what a common word's search walks backwards, newest (highest id) first. */
  recencyIndex: string;
  /** The column's word lexicon (word → rows holding it), kept by triggers. */
  lexicon: string;
  /** Long texts are cut around the match; names and titles are shown whole. */
  long: boolean;
}

export const ENTITIES: readonly Entity[] = [
  {
    kind: 'project',
    plural: 'projects',
    table: 'projects',
    column: 'name',
    projectColumn: 'id',
    index: 'projects_name_trgm_idx',
    keysIndex: 'projects_name_keys_idx',
    recencyIndex: 'projects_pkey',
    lexicon: 'project_name_words',
    long: false,
  },
  {
    kind: 'task',
    plural: 'tasks',
    table: 'tasks',
    column: 'title',
    projectColumn: 'project_id',
    index: 'tasks_title_trgm_idx',
    keysIndex: 'tasks_title_keys_idx',
    recencyIndex: 'tasks_pkey',
    lexicon: 'task_title_words',
    long: false,
  },
  {
    kind: 'comment',
    plural: 'comments',
    table: 'comments',
    column: 'body',
    projectColumn: 'project_id',
    index: 'comments_body_trgm_idx',
    keysIndex: 'comments_body_keys_idx',
    recencyIndex: 'comments_pkey',
    lexicon: 'comment_body_words',
    long: true,
  },
];

export const ENTITY_NAMES = ENTITIES.map((e) => e.plural);
