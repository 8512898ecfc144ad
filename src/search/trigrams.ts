/** The words pg_trgm sees: runs of letters and digits, lower-cased (the lexicon's words, too). */
export function trigramWords(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}
