import type { Queryable } from '../db/db.js';
import { loadProfile } from './profile.js';
import { readLayoutUnchecked } from './seed.js';

export interface SeedCoverage {
  handWritten: string[];
  schemaDriven: string[];
  notSeeded: Record<string, string>;
  /** Tables (or columns) the seed cannot fill, one line each with what to do. */
  problems: string[];
}

/** Which table of the live schema the seed fills how, and what it cannot fill. */
export async function seedCoverage(db: Queryable, profileName?: string): Promise<SeedCoverage> {
  const layout = await readLayoutUnchecked(db, loadProfile(profileName));
  const handWritten: string[] = [];
  const schemaDriven: string[] = [];
  for (const entry of layout.order) ('idColumn' in entry ? schemaDriven : handWritten).push(entry.table);
  return { handWritten, schemaDriven, notSeeded: layout.notSeeded, problems: layout.problems };
}
