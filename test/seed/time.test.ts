import { describe, expect, it } from 'vitest';
import { Random } from '../../src/seed/random.js';
import { DAY, REF, iso, isoDate, parseMoment } from '../../src/seed/time.js';

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

  // The row loop reads its moments back with parseMoment (from memory, or by arithmetic): it must be Date.parse, NaN included.
  it('reads every moment back as Date.parse does, just written or not', () => {
    const same = (text: string) => expect(parseMoment(text), text).toBe(Date.parse(text));
    for (const ms of [...moments, betweenMilliseconds(0.5), betweenMilliseconds(-0.25)]) {
      const written = [iso(ms), isoDate(ms)];
      for (const text of written) same(text);
      // Read again once other moments were written since (no longer remembered), and as copies.
      iso(REF + 1);
      iso(REF + 2);
      isoDate(0);
      iso(REF + 3);
      for (const text of written) same(`${text} `.trim());
      same(iso(ms).slice(0, -1));
    }
    for (const text of [
      '2026-02-30',
      '2026-04-31T10:00:00.000Z',
      '2024-02-29T23:59:59.999Z',
      '2026-13-01',
      '2026-00-10',
      '2026-01-32',
      '2026-01-01T24:00:00.000Z',
      '2026-01-01T23:60:00.000Z',
      '2026-01-01T23:59:60.000Z',
      '0000-03-01T00:00:00.000Z',
      '0050-01-01',
      '+012026-01-01T00:00:00.000Z',
      '2026-1a-01',
      '2026-01-01 10:00:00.000Z',
      '2026-01-01T10:00:00.000+02:00',
      'null',
      '',
    ])
      same(text);
  });
});

function betweenMilliseconds(fraction: number): number {
  return REF - 3 * DAY + fraction;
}
