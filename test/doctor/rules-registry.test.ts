import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RULES, type Rule } from '../../src/doctor/index.js';
import { FIX_KINDS, FIXED_IN_FIXTURE, FIXED_IN_PRODUCT } from './fix-kinds.js';

const RULES_DIR = new URL('../../src/doctor/rules/', import.meta.url);
/** Files in src/doctor/rules that rules share, and that hold no rule themselves. */
const HELPERS = ['required-index.ts', 'secrets.ts'];

function isRule(value: unknown): value is Rule {
  return (
    typeof value === 'object' && value !== null && typeof (value as Rule).id === 'string' && typeof (value as Rule).check === 'function'
  );
}

/** The recipe in CONTRIBUTING.md ("Add a doctor rule") ends here: this file says what was missed. */
describe("the doctor's rule registry", () => {
  it('registers the rule of every file in src/doctor/rules, and holds no rule from elsewhere', async () => {
    const files = fs
      .readdirSync(RULES_DIR)
      .filter((f) => f.endsWith('.ts'))
      .sort();
    const found: Rule[] = [];
    for (const file of files) {
      const rules = Object.values(await import(new URL(file, RULES_DIR).href)).filter(isRule);
      if (HELPERS.includes(file)) expect([file, rules]).toEqual([file, []]);
      else expect([file, rules.length]).toEqual([file, 1]);
      found.push(...rules);
    }
    const unregistered = found.filter((r) => !RULES.includes(r)).map((r) => r.id);
    expect(unregistered, 'add these to RULES in src/doctor/rules.ts').toEqual([]);
    expect(
      RULES.filter((r) => !found.includes(r)).map((r) => r.id),
      'give each rule its own file in src/doctor/rules',
    ).toEqual([]);
  });

  it('gives every rule a unique kebab-case id, a title, the plan section it enforces and a hint', () => {
    expect(new Set(RULES.map((r) => r.id)).size).toBe(RULES.length);
    for (const rule of RULES) {
      expect(rule.id).toMatch(/^[a-z]+(-[a-z]+)*$/);
      for (const field of ['title', 'plan', 'hint'] as const)
        expect([rule.id, field, rule[field].trim().length > 10]).toEqual([rule.id, field, true]);
    }
  });

  it('says for every rule what a failure offers, and breaks every rule with an SQL fix in a test that runs the fix', () => {
    expect(Object.keys(FIX_KINDS).sort(), 'add the rule to FIX_KINDS in test/doctor/fix-kinds.ts').toEqual(RULES.map((r) => r.id).sort());
    const sql = Object.entries(FIX_KINDS)
      .filter(([, kind]) => kind === 'sql')
      .map(([id]) => id);
    const exercised = new Set([...FIXED_IN_FIXTURE, ...FIXED_IN_PRODUCT]);
    expect(
      sql.filter((id) => !exercised.has(id)),
      'break it in test/doctor/fixtures/broken.sql (or the product part of doctor-fixes.test.ts)',
    ).toEqual([]);
    expect([...exercised].filter((id) => FIX_KINDS[id] !== 'sql')).toEqual([]);
  });
});
