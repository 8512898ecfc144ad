/**
 * Whether devdb may colour what it writes to a stream, decided in one place (https://no-color.org):
 * `--no-color` and a non-empty NO_COLOR turn it off, a FORCE_COLOR other than 0/false turns it on
 * (for CI logs and pagers that understand ANSI), and otherwise colour goes to terminals only.
 */
export function colorEnabled(options: { isTTY: boolean | undefined; noColorFlag?: boolean; env?: NodeJS.ProcessEnv }): boolean {
  const env = options.env ?? process.env;
  if (options.noColorFlag) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '') return !/^(0|false)$/i.test(env.FORCE_COLOR);
  return Boolean(options.isTTY);
}

const CODES = { red: [31, 39] } as const;
export type Style = keyof typeof CODES;

/** Wraps text in one ANSI style when colour is on; plain text otherwise. */
export function paint(enabled: boolean, style: Style, text: string): string {
  if (!enabled) return text;
  const [open, close] = CODES[style];
  return `\x1b[${open}m${text}\x1b[${close}m`;
}
