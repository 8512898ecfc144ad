import { TRIGRAM_INDEXES } from '../plan.js';
import type { Rule } from '../rule.js';
import { missingIndexes } from './required-index.js';

export const trigramIndexes: Rule = {
  id: 'trigram-indexes',
  title: 'Trigram GIN indexes serve search on projects.name, tasks.title and comments.body',
  plan: 'C.4 Search Index Planning',
  scope: 'product',
  hint: 'ILIKE and similarity search read these through pg_trgm; without them every search scans the table.',
  check: (model) => missingIndexes(model, TRIGRAM_INDEXES),
};
