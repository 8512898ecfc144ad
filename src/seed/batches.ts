/** Rows in COPY text, several to a piece, with how many the piece holds. */
export interface RowBatch {
  text: string;
  rows: number;
}

/** COPY chunks of about this many characters: small enough to sit in the socket buffer, so the server parses one while the next is generated. */
export const CHUNK_CHARS = 64 * 1024;

/** Lines (one row each, newline included) joined into batches of about CHUNK_CHARS. */
export function* inBatches(lines: Iterable<string>): Generator<RowBatch> {
  let text = '';
  let rows = 0;
  for (const line of lines) {
    text += line;
    rows++;
    if (text.length >= CHUNK_CHARS) {
      yield { text, rows };
      text = '';
      rows = 0;
    }
  }
  if (rows > 0) yield { text, rows };
}
