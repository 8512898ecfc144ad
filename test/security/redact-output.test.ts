import { describe, expect, it } from 'vitest';
import { installOutputRedaction } from '../../src/cli/redact-output.js';
import { generateToken } from '../../src/keys/token.js';
import { showSecret } from '../../src/util/redact.js';

/** A stream that records what reaches it. */
function recorder() {
  const chunks: (string | Buffer)[] = [];
  const stream = {
    write(chunk: string | Uint8Array): boolean {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk));
      return true;
    },
  } as unknown as NodeJS.WriteStream;
  return { stream, chunks };
}

describe('installOutputRedaction', () => {
  it('redacts strings and text buffers, leaves binary alone, passes a shown token, and wraps once', () => {
    const { stream, chunks } = recorder();
    installOutputRedaction([stream]);
    installOutputRedaction([stream]);
    const leaked = generateToken().token;
    const shown = showSecret(generateToken().token);
    const binary = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff, 0x00, 0x3a, 0x2f, 0x2f]);
    stream.write(`Error: No user ${leaked}\n`);
    stream.write(Buffer.from(`postgres://u:p@ss@h/db ${leaked}\n`));
    stream.write(binary);
    stream.write(`${shown}\n`);
    expect(chunks.map(String).slice(0, 2)).toEqual([
      `Error: No user ${leaked.slice(0, 14)}***\n`,
      `postgres://u:***@h/db ${leaked.slice(0, 14)}***\n`,
    ]);
    expect(chunks[2]).toEqual(binary);
    expect(chunks[3]).toBe(`${shown}\n`);
    expect(chunks).toHaveLength(4);
  });
});
