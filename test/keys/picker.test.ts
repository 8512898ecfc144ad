import { describe, expect, it } from 'vitest';
import { createKey, revokeKey } from '../../src/keys/index.js';
import { engines, openScratch, scratch, type Scratch } from '../support/engines.js';
import { runInTerminal } from '../support/terminal.js';
import { addUser } from './fixtures.js';

// The picker is the CLI layer's (src/cli/key-argument.ts): one engine shows it; the key operations run on every engine elsewhere.
const engine = engines[0]!;

/** A database of its own with two keys of one user, `deploy` then `backup`, and their display prefixes. */
async function twoKeys(options: { revokeBackup?: boolean } = {}): Promise<{ s: Scratch; prefixes: Record<'deploy' | 'backup', string> }> {
  const s = await scratch(engine);
  const db = await openScratch(s);
  try {
    const user = String(await addUser(db, 'dana@example.com', 'pro'));
    const deploy = await createKey(db, { user, name: 'deploy' });
    const backup = await createKey(db, { user, name: 'backup' });
    if (options.revokeBackup) await revokeKey(db, { key: String(backup.key.id) });
    return { s, prefixes: { deploy: deploy.key.displayPrefix, backup: backup.key.displayPrefix } };
  } finally {
    await db.close();
  }
}

/** Each original key by name: live, revoked, or rotated (a newer key replaces it). */
async function states(s: Scratch): Promise<Record<string, string>> {
  const db = await openScratch(s);
  try {
    const rows = await db.query<{ name: string; revoked: boolean; replaced: boolean }>(
      'SELECT k.name, k.revoked_at IS NOT NULL AS revoked, EXISTS (SELECT 1 FROM api_keys n WHERE n.replaced_key_id = k.id) AS replaced ' +
        'FROM api_keys k WHERE k.replaced_key_id IS NULL ORDER BY k.id',
    );
    return Object.fromEntries(rows.map((r) => [r.name, r.revoked ? 'revoked' : r.replaced ? 'rotated' : 'live']));
  } finally {
    await db.close();
  }
}

describe(`keys rotate and revoke without a key, on a terminal (${engine})`, () => {
  it('revoke lists the keys newest first, takes the one picked, asks, and revokes only that one', async () => {
    const { s, prefixes } = await twoKeys();
    try {
      const { code, output } = await runInTerminal(['keys', 'revoke', ...s.args], {
        answers: [
          { when: /Which key do you want to revoke\?/, type: '\r' },
          { when: /Revoke key \d+ .*\? /, type: 'y\r' },
        ],
      });
      expect(code, output).toBe(0);
      expect(output.indexOf(prefixes.backup)).toBeGreaterThan(0);
      expect(output.indexOf(prefixes.backup)).toBeLessThan(output.indexOf(prefixes.deploy));
      expect(await states(s)).toEqual({ deploy: 'live', backup: 'revoked' });
    } finally {
      await s.dispose();
    }
  });

  it('rotate offers only keys that still work, and rotates the one picked', async () => {
    const { s, prefixes } = await twoKeys({ revokeBackup: true });
    try {
      const { code, output } = await runInTerminal(['keys', 'rotate', ...s.args], {
        answers: [{ when: /Which key do you want to rotate\?/, type: '\r' }],
      });
      expect(code, output).toBe(0);
      const offered = output.slice(output.indexOf('Which key do you want to rotate?'));
      expect(offered).not.toContain(prefixes.backup);
      expect(offered).toContain(prefixes.deploy);
      expect(await states(s)).toEqual({ deploy: 'rotated', backup: 'revoked' });
    } finally {
      await s.dispose();
    }
  });
});
