/** The snapshot `setup` saves after it seeds, and `branchFromGit` starts new branches from. */
export const SEEDED_SNAPSHOT = 'seeded';
