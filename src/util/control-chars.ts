/**
 * Text read from a database is data, not terminal instructions: a key name or a task title
 * holding ESC sequences could retitle the terminal, clear the screen or hide what follows.
 * Every renderer that prints stored text passes it through here before decorating it with
 * devdb's own colours. C0 controls (but tab), DEL and C1 controls become visible escapes.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g;

export function escapeControlChars(text: string): string {
  return text.replace(CONTROL, (char) => {
    const code = char.charCodeAt(0);
    if (char === '\n') return '\\n';
    if (char === '\r') return '\\r';
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** The same, but line breaks stay: for messages of several lines (a migration error with its caret). */
export function escapeTerminalControls(text: string): string {
  return text
    .split('\n')
    .map((line) => escapeControlChars(line))
    .join('\n');
}

/** Text from outside (a typed word, a value from a file) as a message may quote it: escaped, and cut to `max` characters. */
export function quotable(text: string, max = 60): string {
  const shown = escapeControlChars(text.length > max * 4 ? text.slice(0, max * 4) : text);
  return shown.length > max ? `${shown.slice(0, max)}... (${text.length} characters)` : shown;
}
