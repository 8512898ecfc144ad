import { isUtf8 } from 'node:buffer';
import { redactSecrets } from '../util/redact.js';

/** Marks a write function that already redacts, so installing twice does not wrap twice. */
const REDACTING = Symbol('devdb.redacting');

/**
 * Routes everything this process writes to stdout and stderr through redactSecrets: command
 * output, `--json`, error lines, DEBUG stacks, and the lines oclif and its plugins print
 * themselves ("X is not a devdb command" quotes a mistyped word, which may be a pasted token).
 * Installed by bin/run.js before oclif starts (src/cli/process-guard.ts), by the oclif init hook and again by every command's init: in-process test runs skip
 * hooks and swap `write` for a capturing one, which then gets wrapped in its turn.
 */
export function installOutputRedaction(streams: readonly Pick<NodeJS.WriteStream, 'write'>[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) {
    if ((stream.write as { [REDACTING]?: true })[REDACTING]) continue;
    const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
    const redacting = ((chunk: unknown, ...rest: unknown[]) => {
      if (typeof chunk === 'string') return write(redactSecrets(chunk), ...rest);
      // Bytes that are not UTF-8 text (an image on stdout) pass untouched: decoding them would corrupt them.
      if (chunk instanceof Uint8Array && isUtf8(chunk)) {
        const text = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('utf8');
        const redacted = redactSecrets(text);
        if (redacted !== text) return write(Buffer.from(redacted, 'utf8'), ...rest);
      }
      return write(chunk, ...rest);
    }) as typeof stream.write & { [REDACTING]?: true };
    redacting[REDACTING] = true;
    stream.write = redacting;
  }
}
