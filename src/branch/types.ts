import type { DatabaseSession } from '../db/databases.js';

/** One branch of a project, as `devdb branch list` shows it. */
export interface BranchInfo {
  name: string;
  current: boolean;
  /** ISO time it was made; null for main (as old as the project). */
  createdAt: string | null;
  /** The snapshot it was made from, or `branch <name>` for a copy of another branch; null for main. */
  from: string | null;
  sizeBytes: number;
  /** Where it lives: a server database's name, or a folder. */
  storedAs: string;
}

export interface CreateBranchResult {
  branch: BranchInfo;
  /** Sessions ended to copy the current branch (PostgreSQL copies a database only while nobody is connected). */
  sessions: DatabaseSession[];
}

export interface RemoveBranchResult {
  branch: BranchInfo;
  /** Sessions that were connected to it, ended by the drop. */
  sessions: DatabaseSession[];
}

/** What a new branch starts as: a copy of a snapshot, of the current branch, or an empty database (for setup to fill). */
export type BranchSource = { snapshot: string } | 'current' | 'empty';

export function describeSource(source: BranchSource, current: string): string {
  if (source === 'current') return `branch ${current}`;
  return source === 'empty' ? 'an empty database' : source.snapshot;
}
