import { usageError } from '../errors.js';

/**
 * All of stdin as text, refusing more than `maxBytes`: input that sizes work is bounded, so a
 * wrong file piped in (or an endless stream) ends in a usage error instead of filling memory.
 */
export async function readStdin(maxBytes: number, what: string, stream: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += buffer.length;
    if (size > maxBytes) {
      // Stop reading at once: the writer gets EPIPE rather than this process buffering the rest.
      (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      throw usageError(`stdin holds more than ${maxBytes} bytes, too much for ${what}: pipe only that.`);
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
