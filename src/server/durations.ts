/** Time units of PostgreSQL settings (guc.c's time unit table), in milliseconds. */
const UNITS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** A time setting such as statement_timeout ('5s', '1500', '1min'; a bare number is milliseconds) in ms; 0 when unset or unreadable. */
export function durationMs(value: string | undefined): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value ?? '');
  if (!match) return 0;
  const unit = UNITS[(match[2] || 'ms').toLowerCase()];
  return unit === undefined ? 0 : Math.round(Number(match[1]) * unit);
}
