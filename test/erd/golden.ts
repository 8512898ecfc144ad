import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';

const dir = path.join(path.dirname(new URL(import.meta.url).pathname), 'golden');

/**
 * Compares `content` with test/erd/golden/<name>; UPDATE_GOLDEN=1 rewrites the file instead.
 * Both engines compare against the same file, so any engine-specific text fails one of them.
 */
export function expectGolden(name: string, content: string): void {
  const file = path.join(dir, name);
  if (process.env.UPDATE_GOLDEN === '1') {
    fs.writeFileSync(file, content);
    return;
  }
  if (!fs.existsSync(file)) throw new Error(`No golden file ${file}: run UPDATE_GOLDEN=1 npx vitest run test/erd and review the diff.`);
  expect(content).toBe(fs.readFileSync(file, 'utf8'));
}
