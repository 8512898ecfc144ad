/** The doctor capability: the live schema held to the plan's rules. Commands import from here only. */
export { doctor, type DoctorOptions, type DoctorResult } from './doctor.js';
export { RULES } from './rules.js';
export type { Rule, RuleResult, Violation } from './rule.js';
