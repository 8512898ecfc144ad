import { fileURLToPath } from 'node:url';

/** The package's root, whether running from src/ (tests, bin/dev.js) or dist/. */
export const packageRoot = fileURLToPath(new URL('..', import.meta.url));

/** devdb's own schema, the source of truth. */
export const defaultMigrationsDir = fileURLToPath(new URL('../sql/migrations', import.meta.url));
