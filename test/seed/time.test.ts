import { describe, expect, it } from 'vitest';
import { Random } from '../../src/seed/random.js';
import { DAY, REF, iso, isoDate } from '../../src/seed/time.js';

// iso and isoDate build their text from cached day prefixes and lookup tables: it must be what Date writes, to the millisecond.
describe('seeded timestamps as text', () => {
  const rnd = new Random(1, 'time-test');
  const moments = [
    0,
    -1,
    1,
    DAY - 1,
    -DAY,
    -DAY - 1,
    REF,
    REF - 1,
    Date.UTC(1900, 0, 1),
    Date.UTC(2000, 1, 29, 23, 59, 59, 999),
    Date.UTC(9999, 11, 31, 23, 59, 59, 999),
    // Dates of birth reach 80 years back, CHECK bounds anywhere: both sides of the epoch, every hour and millisecond.
    ...Array.from({ length: 2000 }, () => REF - rnd.int(0, 120 * 365) * DAY - rnd.int(0, DAY - 1)),
    ...Array.from({ length: 500 }, () => -rnd.int(0, 200 * 365 * DAY)),
  ];

  it('writes every moment as Date#toISOString does, twice (the cached day and the fresh one)', () => {
    for (const ms of [...moments, ...moments]) expect(iso(ms), String(ms)).toBe(new Date(ms).toISOString());
  });

  it('writes every day as the date part of Date#toISOString', () => {
    for (const ms of [...moments, ...moments]) expect(isoDate(ms), String(ms)).toBe(new Date(ms).toISOString().slice(0, 10));
  });
});
