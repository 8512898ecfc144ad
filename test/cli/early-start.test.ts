import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { EARLY_START_COMMANDS, NO_EARLY_START, earlyCommand } from '../../src/cli/early-commands.js';
import { nativeFolder, readPostmaster, startNativeServer, stopNativeServer } from '../../src/db/native/index.js';
import { letGoOfEarlyOpen, openNative, openNativeEarly } from '../../src/db/native/native-db.js';
import { runCli } from '../support/cli.js';
import { engines, nativeFolderScratch, type Scratch } from '../support/engines.js';
import { freePort } from '../support/free-port.js';
import { untilStopped } from '../support/native.js';

/**
 * bin/run.js opens the native lease a command will ask for before oclif loads (src/cli/early-start.ts):
 * every command says whether it does, and whatever a command does with it, a stopped folder ends stopped.
 */
describe('which commands open their native lease early', () => {
  const manifest = JSON.parse(fs.readFileSync(new URL('../../oclif.manifest.json', import.meta.url), 'utf8')) as {
    commands: Record<string, unknown>;
  };
  const commands = Object.keys(manifest.commands).sort();

  it('every command is in exactly one list, and every entry is a command', () => {
    const listed = [...Object.keys(EARLY_START_COMMANDS), ...Object.keys(NO_EARLY_START)].sort();
    expect(listed).toEqual(commands);
  });

  it('reads the command from argv as oclif does: arguments after a command, subcommands after a topic', () => {
    expect(earlyCommand(['search', 'login bug', '--json'])).toBe('search');
    expect(earlyCommand(['snapshot', 'restore', 'seeded', '--yes'])).toBe('snapshot:restore');
    expect(earlyCommand(['snapshot:restore', 'seeded'])).toBe('snapshot:restore');
    expect(earlyCommand(['migrate', '--steps', '1'])).toBe('migrate');
    expect(earlyCommand(['migrate', 'down'])).toBe('migrate:down');
    // Not commands oclif runs: an unknown subcommand of a topic that is also a command, one not listed, help, version.
    expect(earlyCommand(['migrate', 'stauts'])).toBeUndefined();
    expect(earlyCommand(['migrate', 'new', 'add invoices'])).toBeUndefined();
    expect(earlyCommand(['search', 'login', '--help'])).toBeUndefined();
    expect(earlyCommand(['--version'])).toBeUndefined();
  });
});

describe.runIf(engines.includes('native'))('a lease opened early on a native folder', () => {
  const made: Scratch[] = [];
  afterEach(async () => {
    for (const s of made.splice(0)) await s.dispose();
  });
  const folder = () => {
    const s = nativeFolderScratch();
    made.push(s);
    return s;
  };
  const postmasterOf = (s: Scratch) => readPostmaster(nativeFolder(s.dataDir!).cluster);
  /** The server a command started stops after it (its close does not wait for the exit). */
  async function expectStopped(s: Scratch): Promise<void> {
    await untilStopped(s.dataDir!);
    expect(postmasterOf(s), 'a server still runs in the folder').toBeUndefined();
  }

  it('is taken by the command it was opened for, and the server it started stops after it', async () => {
    const s = folder();
    const result = await runCli(['migrate', 'status', '--json', ...s.args]);
    expect(result.code, result.stderr).toBe(0);
    await expectStopped(s);
  });

  it('is closed, and its server stopped, when the command fails before it opens the database', async () => {
    const s = folder();
    const cases = [
      // A usage error oclif finds.
      { args: ['snapshot', 'restore', 'seeded', '--no-such-flag', ...s.args], code: 2 },
      // A question without a terminal: refused before any database is opened.
      { args: ['snapshot', 'restore', 'seeded', ...s.args], code: 2 },
      // A lock timeout oclif rejects, which the early start read as a number it is not.
      { args: ['sql', 'SELECT 1', '--lock-timeout', 'soon', ...s.args], code: 2 },
      // No command at all: oclif's not-found answer exits before any command's end could close a lease.
      { args: ['migrate', 'stauts', ...s.args], code: 2 },
    ];
    for (const { args, code } of cases) {
      const result = await runCli(args);
      expect(result.code, `${args.join(' ')}: ${result.stderr}`).toBe(code);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      await expectStopped(s);
    }
  });

  it('on a server devdb start runs, the command works and the server stays running whatever the command does', async () => {
    const s = folder();
    const port = await freePort();
    await startNativeServer(s.dataDir!, { host: '127.0.0.1', port, detached: true });
    try {
      expect((await runCli(['snapshot', 'list', '--no-such-flag', ...s.args])).code).toBe(2);
      expect((await runCli(['snapshot', 'list', '--json', ...s.args])).code).toBe(0);
      expect(postmasterOf(s)).toMatchObject({ listen: '127.0.0.1', port });
    } finally {
      await stopNativeServer(s.dataDir!);
    }
  });

  it('asked for another lease than the one guessed, the command gets its own and the server stays up for it', async () => {
    const s = folder();
    openNativeEarly(s.dataDir!, { command: 'devdb snapshot list', admin: 'command' });
    const own = await openNative(s.dataDir!, { command: 'devdb sql' });
    try {
      const [row] = await own.query<{ database: string }>('SELECT current_database() AS database');
      expect(row?.database).toBe('postgres');
      expect(postmasterOf(s)).toBeDefined();
    } finally {
      await own.close();
    }
    await letGoOfEarlyOpen();
    await expectStopped(s);
  });
});
