import { usageError } from '../errors.js';

const UNIT_MS = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
type Unit = keyof typeof UNIT_MS;

/** The longest lifetime or grace devdb accepts: ten years is already longer than any real key should live. */
export const MAX_DURATION_MS = 3650 * UNIT_MS.d;

/**
 * Parses `90d`, `24h`, `1h30m`, `2w` or `0` into milliseconds: the forms GitHub and Stripe
 * users type, with no month or year unit because their length is ambiguous.
 */
export function parseDuration(text: string, flag: string): number {
  const trimmed = text.trim();
  if (trimmed === '0') return 0;
  const parts = [...trimmed.matchAll(/(\d+)([smhdw])/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== trimmed) {
    throw usageError(`${flag} takes a duration like 90d, 24h, 1h30m or 2w (units s, m, h, d, w), not "${text}".`);
  }
  const ms = parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_MS[p[2] as Unit], 0);
  if (ms > MAX_DURATION_MS) throw usageError(`${flag} ${text} is longer than ten years: pick a shorter duration.`);
  return ms;
}

/** `3d`, `5h`, `12m`, `40s`: the largest whole unit, for listings. */
export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  for (const unit of ['w', 'd', 'h', 'm'] as const) {
    if (abs >= UNIT_MS[unit] * (unit === 'w' ? 2 : 1)) return `${Math.floor(abs / UNIT_MS[unit])}${unit}`;
  }
  return `${Math.floor(abs / UNIT_MS.s)}s`;
}

/** `in 3d` or `5h ago`, relative to `now`. */
export function formatRelative(when: Date, now: Date): string {
  const delta = when.getTime() - now.getTime();
  return delta >= 0 ? `in ${formatDuration(delta)}` : `${formatDuration(delta)} ago`;
}

/** `--expires-in`: a duration, or `never` for a key without an expiry. */
export function parseLifetime(text: string, flag = '--expires-in'): number | null {
  if (text.trim().toLowerCase() === 'never') return null;
  const ms = parseDuration(text, flag);
  if (ms === 0) throw usageError(`${flag} must be longer than 0: use "never" for a key that does not expire.`);
  return ms;
}
