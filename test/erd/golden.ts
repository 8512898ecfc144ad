import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'vitest';
import { ERD_EXTENSIONS, type ErdFormat } from '../../src/erd/index.js';

export const GOLDEN_DIR = path.join(path.dirname(new URL(import.meta.url).pathname), 'golden');

/**
 * Compares `content` with test/erd/golden/<name>. With UPDATE_GOLDEN=1 a golden that differs
 * is rewritten AND the test fails, saying so: an update is reviewed (git diff) and confirmed by
 * a second run without the variable, never passed silently. Under CI=true updating is refused.
 * Every engine compares with the same file, so engine-specific text fails one of them.
 */
export function expectGolden(name: string, content: string, dir = GOLDEN_DIR): void {
  const file = path.join(dir, name);
  const expected = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined;
  if (process.env.UPDATE_GOLDEN) {
    if (process.env.CI)
      throw new Error(`UPDATE_GOLDEN is refused under CI=true: golden files are updated on a workstation and reviewed (${file}).`);
    if (expected === content) return;
    fs.writeFileSync(file, content);
    throw new Error(`Rewrote ${file}: review it with git diff, then run the tests again without UPDATE_GOLDEN.`);
  }
  if (expected === undefined)
    throw new Error(`No golden file ${file}: run UPDATE_GOLDEN=1 npx vitest run test/erd, review the new file, and run again without it.`);
  expect(content).toBe(expected);
}

/** Formats without renderer goldens, and why (test/erd/formats-registry.test.ts holds every other format to having them). */
export const WITHOUT_GOLDEN: Partial<Record<ErdFormat, string>> = {
  svg: "its layout is Graphviz's: test/erd/svg-layout.test.ts checks every text fits, real-world.test.ts that it is well-formed",
};

/** A golden's file extension: the format's first --out extension (`model-one-schema.mmd`). */
export function goldenExtension(format: ErdFormat): string {
  return Object.entries(ERD_EXTENSIONS)
    .find(([, f]) => f === format)![0]
    .slice(1);
}
