import type { Queryable } from '../db/db.js';
import { loadProfile } from './profile.js';
import { readLayout } from './read-layout.js';

export interface SeedCoverage {
  handWritten: string[];
  schemaDriven: string[];
  notSeeded: Record<string, string>;
  /** Tables (or columns) the seed cannot fill, one line each with what to do. */
  problems: string[];
}

/** Which table of the live schema the seed fills how, and what it cannot fill. */
export async function seedCoverage(db: Queryable, profileName?: string, schemas: readonly string[] = ['public']): Promise<SeedCoverage> {
  const layout = await readLayout(db, loadProfile(profileName), schemas);
  return {
    handWritten: layout.order.filter((e) => e.kind === 'hand').map((e) => e.label),
    schemaDriven: layout.order.filter((e) => e.kind === 'schema').map((e) => e.label),
    notSeeded: layout.notSeeded,
    problems: layout.problems,
  };
}
