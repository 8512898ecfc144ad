/** The search capability: what commands and the library import (src/search/*.ts are its parts). */
export {
  search,
  checkSearchOptions,
  DEFAULT_LIMIT,
  MAX_LIMIT,
  type SearchOptions,
  type SearchResult,
  type SearchHit,
  type EntitySummary,
} from './search.js';
export { renderPlans, renderResult } from './render.js';
export { rebuildLexicons } from './lexicon.js';
export { ENTITIES, ENTITY_NAMES, type Entity, type EntityKind } from './entities.js';
export { MAX_WORDS } from './terms.js';
