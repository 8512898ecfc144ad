import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

// A real process: the exit code as a script sees it. On a terminal the suggestion is asked instead (project.test.ts).
describe('an unknown command in a script', () => {
  it.each([
    [['sead'], '"sead" is not a devdb command. Did you mean seed?'],
    [['serch', 'login bug'], '"serch login bug" is not a devdb command. Did you mean search?'],
    [['migrate', 'stauts'], '"migrate stauts" is not a devdb command. Did you mean migrate status?'],
    [['xyzzy'], '"xyzzy" is not a devdb command.'],
    [['KEYS', 'list'], '"KEYS list" is not a devdb command. Did you mean keys list?'],
  ])('devdb %j says so in one line, with the nearest command, and exits 2', async (args, message) => {
    const result = await runCli(args);
    expect(result).toEqual({ code: 2, stdout: '', stderr: `Error: ${message} Run devdb help for the list of commands.\n` });
  });

  it('answers --json with the JSON error every command gives', async () => {
    const result = await runCli(['sead', '--json']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('');
    expect(JSON.parse(result.stdout)).toEqual({
      error: { code: 'E_USAGE', message: '"sead" is not a devdb command. Did you mean seed? Run devdb help for the list of commands.' },
    });
  });

  it('never echoes a pasted token back', async () => {
    const token = `devdb_${'Ab1'.repeat(12)}`;
    const result = await runCli([token]);
    expect(result.code).toBe(2);
    expect(result.stderr).not.toContain(token.slice(14));
  });
});
