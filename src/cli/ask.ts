import { DevdbError, usageError } from '../errors.js';

type Prompts = typeof import('@inquirer/prompts');

/** Prompts only when a person is at both ends: piped or scripted runs never wait for input. */
export function canPrompt(): boolean {
  return Boolean(process.stdin.isTTY && process.stdout.isTTY);
}

/**
 * The flag's value when given; otherwise asks on a terminal, and with nobody to ask fails as a
 * usage error that names the flag. The prompt library loads only when a question is asked.
 */
export async function valueOrAsk<T>(value: T | undefined, flag: string, ask: (prompts: Prompts) => Promise<T>): Promise<T> {
  if (value !== undefined) return value;
  refuseUnanswerable(value, flag);
  return askWith(ask);
}

/** The usage error valueOrAsk would raise, raised early: before a database is opened for nothing. */
export function refuseUnanswerable(value: unknown, flag: string): void {
  if (value === undefined && !canPrompt()) throw usageError(`Missing ${flag}: pass it, or run the command in a terminal to be asked for it.`);
}

/** The usage error confirmUnlessYes would raise, raised before any work. */
export function refuseUnconfirmable(yes: boolean, what: string): void {
  if (!yes && !canPrompt()) throw usageError(`${what} needs confirmation: pass --yes, or run the command in a terminal.`);
}

/** Guards an irreversible step: passes with `--yes`, asks on a terminal, refuses otherwise. */
export async function confirmUnlessYes(question: string, options: { yes: boolean; what: string }): Promise<void> {
  if (options.yes) return;
  refuseUnconfirmable(options.yes, options.what);
  if (!(await askWith((p) => p.confirm({ message: question, default: false })))) {
    throw new DevdbError('E_NOT_CONFIRMED', 'Stopped at your answer: nothing was changed.');
  }
}

async function askWith<T>(ask: (prompts: Prompts) => Promise<T>): Promise<T> {
  const prompts = await import('@inquirer/prompts');
  try {
    return await ask(prompts);
  } catch (error) {
    // Ctrl-C in a prompt is an answer, not a crash.
    if ((error as Error | null)?.name === 'ExitPromptError') throw new DevdbError('E_NOT_CONFIRMED', 'Stopped at your request: nothing was changed.');
    throw error;
  }
}
