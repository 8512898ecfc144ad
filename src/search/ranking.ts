import type { EntityKind } from './entities.js';

/**
 * The documented order of search results (docs/decisions.md, "Search ranking"), over every
 * matching row: rank class first (0 phrase of whole words, 1 phrase, 2 all words as whole
 * words, 3 all words, 4 typo), then projects, tasks, comments, then the newest first (the
 * higher id: ids are handed out in creation order). queries.ts computes the class in SQL.
 */
export const MATCHES = ['phrase', 'phrase', 'words', 'words', 'typo'] as const;

export const KIND_ORDER: Record<EntityKind, number> = { project: 0, task: 1, comment: 2 };

export interface Ranked {
  kind: EntityKind;
  id: number;
  rank: number;
}

export function compareHits(a: Ranked, b: Ranked): number {
  return a.rank - b.rank || KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || b.id - a.id;
}
