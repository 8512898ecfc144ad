import { isDroppedTypeQueryRejection } from '../db/driver-faults.js';
import { registerSecret, registerUrlSecrets } from '../util/redact.js';
import { describeError } from './describe-error.js';
import { installOutputRedaction } from './redact-output.js';

/** Variables whose values are secrets wherever they are printed: libpq's passwords, the pepper, the seed password. */
const SECRET_VARIABLES = /^(PG[A-Z]*PASSWORD|DEVDB_API_KEY_PEPPER|DEVDB_SEED_PASSWORD)$/;

/** Makes the secrets in `env` (a URL's password, PGPASSWORD, the pepper) redacted in everything this process prints. */
export function registerSecretsOf(env: NodeJS.ProcessEnv): void {
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || value === '') continue;
    if (name === 'DATABASE_URL') registerUrlSecrets(value);
    else if (SECRET_VARIABLES.test(name)) registerSecret(value);
  }
}

/**
 * What the devdb process does before oclif reads a single argument (bin/run.js calls it): oclif
 * prints argv under DEBUG=* before any hook runs, so the secrets of the arguments and the
 * environment are registered and stdout/stderr redacted first. A failure that escapes every
 * command (an unhandled rejection, an exception thrown from an event) still ends in one line,
 * exit 1, with the stack only under DEBUG.
 */
export function guardProcess(argv: readonly string[] = process.argv.slice(2), env: NodeJS.ProcessEnv = process.env): void {
  for (const arg of argv) if (arg.includes('://')) registerUrlSecrets(arg);
  registerSecretsOf(env);
  installOutputRedaction();
  process.on('unhandledRejection', (reason) => {
    if (isDroppedTypeQueryRejection(reason)) return;
    crash(reason, argv, env);
  });
  process.on('uncaughtException', (error) => crash(error, argv, env));
}

function crash(error: unknown, argv: readonly string[], env: NodeJS.ProcessEnv): never {
  const report = describeError(error);
  if (argv.includes('--json'))
    process.stdout.write(`${JSON.stringify({ error: { code: report.code, message: report.message } }, null, 2)}\n`);
  else process.stderr.write(`Error: ${report.message}\n`);
  if (env.DEBUG && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  process.exit(report.exitCode);
}
