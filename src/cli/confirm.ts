import { DevdbError } from '../errors.js';

/**
 * Guards a destructive step: passes with `--force`, asks on a terminal, and refuses (as a
 * usage error) when nobody is there to ask.
 */
export async function confirmOrRefuse(question: string, options: { force: boolean; what: string }): Promise<void> {
  if (options.force) return;
  if (!process.stdin.isTTY || !process.stdout.isTTY) {
    throw new DevdbError('E_USAGE', `${options.what} needs confirmation: run it in a terminal, or pass --force.`);
  }
  const { confirm } = await import('@inquirer/prompts');
  if (!(await confirm({ message: question, default: false }))) {
    throw new DevdbError('E_NOT_CONFIRMED', 'Stopped at your answer: nothing was changed.');
  }
}
