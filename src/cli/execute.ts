import { execute } from '@oclif/core/execute';

/**
 * oclif's entry point, in a module of its own that src/cli/main.ts imports once the early start is
 * under way: a static import, so the bundle gives it oclif's named export (a dynamic import of
 * CommonJS yields only its default).
 */
export async function executeOclif(binUrl: string): Promise<void> {
  await execute({ dir: binUrl });
}
