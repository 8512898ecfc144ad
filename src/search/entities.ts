/** What devdb search looks through: one table, one text column, one trigram index each. */
export type EntityKind = 'project' | 'task' | 'comment';

export interface Entity {
  kind: EntityKind;
  /** The name `--in` takes. */
  plural: string;
  table: string;
  column: string;
  /** The column that names the hit's project (a project is its own). */
  projectColumn: string;
  /** The GIN index (gin_trgm_ops) the search must use; `--explain` checks that it did. */
  index: string;
  /** Long texts are cut around the match; names and titles are shown whole. */
  long: boolean;
}

export const ENTITIES: readonly Entity[] = [
  { kind: 'project', plural: 'projects', table: 'projects', column: 'name', projectColumn: 'id', index: 'projects_name_trgm_idx', long: false },
  { kind: 'task', plural: 'tasks', table: 'tasks', column: 'title', projectColumn: 'project_id', index: 'tasks_title_trgm_idx', long: false },
  { kind: 'comment', plural: 'comments', table: 'comments', column: 'body', projectColumn: 'project_id', index: 'comments_body_trgm_idx', long: true },
];

export const ENTITY_NAMES = ENTITIES.map((e) => e.plural);
