import { describe, expect, it } from 'vitest';
import { Random } from '../../src/seed/random.js';
import { toScale } from '../../src/seed/schema/values.js';

// A decimal column's values are rounded by arithmetic (toScale): they must be the numbers Number(x.toFixed(scale)) gives, to the bit.
describe('decimals rounded to their scale', () => {
  it('rounds as toFixed does, ties, negatives, large values and long scales included', () => {
    const rnd = new Random(1, 'decimals-test');
    const values = [
      ...Array.from({ length: 20_000 }, (_, i) => (rnd.next() - 0.3) * 10 ** (i % 16)),
      ...[1.005, 1.015, 2.675, -1.005, 0.125, -0.125, 8.345, 1.45, 123456789.125, -0.001, 0.001, 0, -0, 1e20, 2 ** 41 + 0.5, 5e-324],
    ];
    for (const x of values)
      for (const scale of [0, 1, 2, 3, 4, 6, 15, 18])
        expect(Object.is(toScale(x, scale), Number(x.toFixed(scale))), `${x} to ${scale}`).toBe(true);
  });
});
