/**
 * Every seeded timestamp is measured back from this fixed instant, never from the clock, so
 * the same seed gives the same rows on any day (and every timestamp is in the past).
 */
export const REFERENCE_DATE = new Date('2026-11-01T00:00:00.000Z');
export const REF = REFERENCE_DATE.getTime();

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** ISO 8601 in UTC, as COPY reads it for timestamptz. */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** YYYY-MM-DD for date columns. */
export function isoDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The start (UTC midnight) of the day `ms` falls in. */
export function dayStart(ms: number): number {
  return Math.floor(ms / DAY) * DAY;
}
