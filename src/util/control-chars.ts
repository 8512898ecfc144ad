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
