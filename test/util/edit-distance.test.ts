import { describe, expect, it } from 'vitest';
import { editDistance } from '../../src/util/edit-distance.js';

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['', 'seed', 4],
    ['seed', 'seed', 0],
    ['sead', 'seed', 1],
    ['serch', 'search', 1],
    ['searchh', 'search', 1],
    ['setpu', 'setup', 1],
    ['stauts', 'status', 1],
    ['kyes:list', 'keys:list', 1],
    ['abc', 'ca', 3],
    ['xyzzy', 'erd', 5],
  ])('%j to %j is %i', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});
