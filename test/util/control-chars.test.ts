import { describe, expect, it } from 'vitest';
import { escapeControlChars } from '../../src/util/control-chars.js';

describe('escapeControlChars', () => {
  it('makes terminal escape sequences visible instead of executing them', () => {
    expect(escapeControlChars('\u001b]0;pwned\u0007title')).toBe('\\x1b]0;pwned\\x07title');
    expect(escapeControlChars('a\u001b[2Jb')).toBe('a\\x1b[2Jb');
    expect(escapeControlChars('x\u009bm\u007f')).toBe('x\\x9bm\\x7f');
  });

  it('keeps tabs, ordinary text and non-Latin letters, and shows line breaks', () => {
    expect(escapeControlChars('a\tb ünïcødé 日本 🚀')).toBe('a\tb ünïcødé 日本 🚀');
    expect(escapeControlChars('one\ntwo\r')).toBe('one\\ntwo\\r');
  });
});
