import { columnFacts } from '../catalog/column-facts.js';
import { holdsProductSchema, introspect } from '../catalog/index.js';
import type { Queryable } from '../db/db.js';
import { DevdbError } from '../errors.js';
import type { Profile } from './profile.js';
import { NOT_SEEDED } from './registry.js';
import { layoutSeed, type SeedLayout } from './schema/layout.js';
import { GENERATORS } from './tables.js';

/**
 * Who fills which table of the live schema: on devdb's own product schema its hand-written
 * generators (and the schema layer for what was added since), on any other schema the
 * schema layer alone. Problems are listed, not thrown (the coverage report shows them).
 */
export async function readLayout(db: Queryable, profile: Profile, schemas: readonly string[]): Promise<SeedLayout> {
  const model = await introspect(db, { schemas, views: false });
  const product = holdsProductSchema(model);
  return layoutSeed({
    model,
    facts: await columnFacts(db, model.schemas),
    profile,
    mode: product ? 'product' : 'schema',
    generators: product ? GENERATORS : [],
    notSeeded: product ? NOT_SEEDED : {},
  });
}

/** The layout, refused in one line (all of them in the error's details) when some table cannot be filled. */
export function checkedLayout(layout: SeedLayout): SeedLayout {
  if (layout.problems.length === 0) return layout;
  const more = layout.problems.length > 1 ? ` (and ${layout.problems.length - 1} more: see devdb seed --dry-run)` : '';
  throw new DevdbError(
    'E_INVALID',
    `The seed cannot fill this schema: ${layout.problems[0]!.replace(/\.$/, '')}${more}. Nothing was written.`,
    {
      details: { problems: layout.problems },
    },
  );
}
