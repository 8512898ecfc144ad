import { redactSecrets } from '../util/redact.js';

/** Cheap test for a chunk that could hold something to redact, so binary output is left as it is. */
const MAYBE_SECRET = /devdb_|:\/\/|password=/i;

let installed = false;

/**
 * Routes everything this process writes to stdout and stderr through redactSecrets: command
 * output, `--json`, error lines, DEBUG stacks, and the lines oclif and its plugins print
 * themselves ("X is not a devdb command" quotes a mistyped word, which may be a pasted token).
 * Installed once, by the oclif init hook and again by every command (in-process runs skip hooks).
 */
export function installOutputRedaction(): void {
  if (installed) return;
  installed = true;
  for (const stream of [process.stdout, process.stderr]) {
    const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      if (typeof chunk === 'string') return write(redactSecrets(chunk), ...rest);
      if (chunk instanceof Uint8Array) {
        const text = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('utf8');
        if (MAYBE_SECRET.test(text)) return write(Buffer.from(redactSecrets(text), 'utf8'), ...rest);
      }
      return write(chunk, ...rest);
    }) as typeof stream.write;
  }
}
