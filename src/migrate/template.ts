/**
 * What `devdb migrate new` writes, and how a file that is still exactly that is told apart from a
 * migration someone wrote: only an untouched template is "empty" (never applied, so an unfinished
 * file is not recorded). Any other file whose up section has no statement (comments only, or
 * dbmate's own template) is a no-op migration, applied as dbmate applies it.
 */

/** The name as a one-line SQL comment: control characters and line breaks cannot end the comment. */
export function headerComment(name: string): string {
  return `-- ${name.replace(/[\p{Cc}\u2028\u2029]+/gu, ' ').trim()}`;
}

/** A dbmate-format file: the header, then both sections with room to write. */
export function dbmateTemplate(name: string): string {
  return `${headerComment(name)}\n\n-- migrate:up\n\n\n-- migrate:down\n\n`;
}

/** A golang-migrate pair: the header alone in each file. */
export function golangTemplate(name: string): string {
  return `${headerComment(name)}\n`;
}

/** Line endings unified and trailing blanks dropped, as the checksum reads a file. */
export function normalizeText(text: string): string {
  return text
    .replace(/\r\n?/g, '\n')
    .split('\n')
    .map((line) => line.replace(/[ \t]+$/, ''))
    .join('\n')
    .replace(/\n+$/, '');
}

const UNTOUCHED_DBMATE = /^-- [^\n]*\n\n-- migrate:up\n\n\n-- migrate:down$/;
const UNTOUCHED_GOLANG = /^-- [^\n]*$/;

/** True when `text` is still what `migrate new` wrote (editors' line endings and trailing blanks aside). */
export function isUntouchedTemplate(text: string, format: 'dbmate' | 'golang-migrate'): boolean {
  return (format === 'dbmate' ? UNTOUCHED_DBMATE : UNTOUCHED_GOLANG).test(normalizeText(text));
}
