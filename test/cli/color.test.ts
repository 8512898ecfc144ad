import { describe, expect, it } from 'vitest';
import { colorEnabled, paint } from '../../src/cli/color.js';

describe('colorEnabled', () => {
  it('follows the terminal by default', () => {
    expect(colorEnabled({ isTTY: true, env: {} })).toBe(true);
    expect(colorEnabled({ isTTY: false, env: {} })).toBe(false);
    expect(colorEnabled({ isTTY: undefined, env: {} })).toBe(false);
  });

  it('turns off with --no-color or a non-empty NO_COLOR, whatever else is set', () => {
    expect(colorEnabled({ isTTY: true, noColorFlag: true, env: { FORCE_COLOR: '1' } })).toBe(false);
    expect(colorEnabled({ isTTY: true, env: { NO_COLOR: '1', FORCE_COLOR: '1' } })).toBe(false);
    expect(colorEnabled({ isTTY: true, env: { NO_COLOR: '' } })).toBe(true);
  });

  it('turns on off a terminal with FORCE_COLOR, except 0 or false', () => {
    expect(colorEnabled({ isTTY: false, env: { FORCE_COLOR: '1' } })).toBe(true);
    expect(colorEnabled({ isTTY: false, env: { FORCE_COLOR: 'true' } })).toBe(true);
    expect(colorEnabled({ isTTY: true, env: { FORCE_COLOR: '0' } })).toBe(false);
    expect(colorEnabled({ isTTY: true, env: { FORCE_COLOR: 'false' } })).toBe(false);
  });
});

describe('paint', () => {
  it('wraps in one style when enabled and leaves the text alone otherwise', () => {
    expect(paint(true, 'red', 'Error:')).toBe('\x1b[31mError:\x1b[39m');
    expect(paint(false, 'red', 'Error:')).toBe('Error:');
  });
});
