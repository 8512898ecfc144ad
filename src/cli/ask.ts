import * as Flags from '@oclif/core/flags';
import { DevdbError, usageError } from '../errors.js';
import type * as Inquirer from '@inquirer/prompts';

/**
 * The one confirmation flag: `--yes` (`-y`) on every command that asks, with `--force` kept as an
 * alias where a command had it. `what` says what it answers, for --help.
 */
export function yesFlag(what: string) {
  return { yes: Flags.boolean({ char: 'y', aliases: ['force'], description: `${what} without asking (alias: --force)`, default: false }) };
}

type Prompts = typeof Inquirer;

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
  if (value === undefined && !canPrompt())
    throw usageError(`Missing ${flag}: pass it, or run the command in a terminal to be asked for it.`);
}

export interface Confirmation {
  /** The flag that answers yes in advance (`--yes`) was given. */
  given: boolean;
  flag: string;
  /** What needs the answer, for the refusal: "Revoking key 12". */
  what: string;
}

/** The usage error confirmUnless would raise, raised before any work. */
export function refuseUnconfirmable({ given, flag, what }: Confirmation): void {
  if (!given && !canPrompt()) throw usageError(`${what} needs confirmation: pass ${flag}, or run the command in a terminal.`);
}

/** Guards a destructive step: passes with its flag, asks on a terminal, refuses otherwise. */
export async function confirmUnless(question: string, confirmation: Confirmation): Promise<void> {
  if (confirmation.given) return;
  refuseUnconfirmable(confirmation);
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
    if ((error as Error | null)?.name === 'ExitPromptError')
      throw new DevdbError('E_NOT_CONFIRMED', 'Stopped at your request: nothing was changed.');
    throw error;
  }
}
