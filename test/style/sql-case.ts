// The house style writes SQL keywords in UPPER CASE (sql/migrations, src/); function names (count, coalesce, now), type names
// (int, text, interval '1 day') and the booleans true/false stay as PostgreSQL prints them. This guard reads every string
// literal of the TypeScript and JavaScript under test/, src/, bench/, scripts/ (and every .sql file there and in sql/) and
// fails naming file:line for an SQL string with a keyword in lower or mixed case.
//
// A string counts as SQL when it opens (after blank lines and -- comments) with a statement: select, insert into,
// update … set, delete from, create/alter/drop <object>, with … as (, comment on, truncate <table>, set <name> =/to,
// copy … from/to, begin/commit/rollback, explain, do $…, grant/revoke … on. It also counts when it opens with an
// upper-case clause (FROM, WHERE, JOIN, ORDER BY, AND, …), so a fragment in the house style cannot drift into mixed case.
// What it cannot see: a lower-case fragment that opens with a clause word (`from x`, `and y`), because English opens
// the same way ("from the file", "and 3 more").
//
// A string that must stay in lower case (a parser test that checks SQL is read whatever its case) carries a comment
// `sql-case: <why>` on its line or the line above; the guard fails on such a comment that no longer excuses anything.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

// Keywords that must be upper case inside an SQL string. Function-like words PostgreSQL treats as keywords but the house
// writes as functions (coalesce, greatest, least, nullif, cast, left, right, array), type names (trigger in RETURNS trigger,
// time) and words that name columns here (key, partition, at, type) are left out; PHRASES catches those words where they
// can only be keywords.
const KEYWORDS = new Set(
  `add after all alter always analyze and any as asc authorization before begin between by cascade case check collate
  column comment commit concurrently conflict constraint copy create cross default delete desc distinct do domain drop
  each else end enum escape except execute exists explain extension for from function generated grant group having
  identity if ilike in include index inner insert intersect into is join language lateral like limit local
  materialized not nothing null nulls of offset on only or order outer over perform prepare primary raise range
  recursive references restrict return returning returns revoke rollback schema select sequence set similar stdin
  stdout table then to truncate union unique update using vacuum values view when where with`.split(/\s+/),
);
const PHRASES = [
  'AT TIME ZONE',
  'WITH TIME ZONE',
  'PARTITION BY',
  'PARTITION OF',
  'PRIMARY KEY',
  'FOREIGN KEY',
  'FOR EACH ROW',
  'NO ACTION',
  'LEFT JOIN',
  'LEFT OUTER JOIN',
  'RIGHT JOIN',
  'FULL JOIN',
  'CREATE TRIGGER',
  'DROP TRIGGER',
  'CREATE TYPE',
  'DROP TYPE',
  'ALTER TYPE',
].map((phrase) => phrase.toLowerCase().split(' '));
// After AS comes an alias (`AS text`, `AS table`) unless it is one of these.
const AFTER_AS = new Set(['select', 'values', 'with', 'identity', 'enum', 'not', 'materialized', 'range']);

const STATEMENT = new RegExp(
  '^(?:' +
    [
      String.raw`select\s+\S`,
      String.raw`insert\s+into\s`,
      String.raw`update\s+[\w".]+\s+set\s`,
      String.raw`delete\s+from\s`,
      String.raw`(?:create|alter|drop)\s+(?:or\s+replace\s+|unique\s+|temp(?:orary)?\s+|materialized\s+)?` +
        String.raw`(?:table|index|type|schema|function|procedure|extension|view|trigger|sequence|domain|role|database|rule|policy)\b`,
      String.raw`with\s+(?:recursive\s+)?[\w"]+\s*(?:\([^)]*\)\s*)?as\s*(?:not\s+)?(?:materialized\s+)?\(`,
      String.raw`comment\s+on\s`,
      String.raw`truncate\s+(?:table\s+)?[\w"]`,
      String.raw`set\s+(?:local\s+|session\s+)?[\w.]+\s*(?:=|to\s)`,
      String.raw`set\s+transaction\s`,
      String.raw`copy\s+[\w".]+[^\n]*\s(?:from|to)\s`,
      String.raw`(?:begin|commit|rollback)\s*(?:;|$)`,
      String.raw`explain\s+(?:\(|analyze\s|select\s)`,
      String.raw`do\s+\$`,
      String.raw`(?:grant|revoke)\s[^\n]*\son\s`,
    ].join('|') +
    ')',
  'i',
);
const UPPER_CLAUSE =
  /^(?:CASE|FROM|WHERE|JOIN|LEFT JOIN|CROSS JOIN|ORDER BY|GROUP BY|HAVING|LIMIT|OFFSET|RETURNING|UNION|ON CONFLICT|AND|OR|VALUES|SET)\b/;

/** Whether a string is SQL: it opens, after blank lines, -- comments and parentheses, with a statement or an upper-case clause. */
export function isSql(text: string): boolean {
  const start = text.replace(/^(?:\s+|--[^\n]*(?:\n|$)|\()*/, '');
  const first = /^[A-Za-z]+/.exec(start)?.[0] ?? '';
  // "Select a table" is English; SQL opens in upper or lower case, not capitalised.
  if (first !== first.toLowerCase() && first !== first.toUpperCase()) return false;
  return STATEMENT.test(start) || UPPER_CLAUSE.test(start);
}

export interface Keyword {
  word: string;
  index: number;
}

const NAME = String.raw`(?:[A-Za-z_]\w*|"(?:[^"]|"")*")`;
// Literals, quoted names, comments, casts (::text), qualified names (k.key, schema.table) and <placeholders> in suggested
// fixes are single tokens, never keywords.
const TOKEN = new RegExp(
  String.raw`'(?:[^']|'')*'|--[^\n]*|\/\*[\s\S]*?\*\/|::\s*\w+|<[A-Za-z][\w ]*>|\.\s*${NAME}|${NAME}(?:\s*\.\s*(?:${NAME}|\*))+|${NAME}|\S`,
  'g',
);

/** The keywords of an SQL text that are not written in upper case, with their offsets. */
export function lowerCaseKeywords(sql: string): Keyword[] {
  // Bare words keep their place in the token stream; anything else (a literal, a name, punctuation) is null between them.
  const tokens = [...sql.matchAll(TOKEN)].map((m) => (/^[A-Za-z_]\w*$/.test(m[0]) ? { word: m[0], index: m.index } : null));
  const found = new Set<Keyword>();
  const flag = (k: Keyword) => {
    if (k.word !== k.word.toUpperCase()) found.add(k);
  };
  tokens.forEach((token, i) => {
    if (token === null) return;
    const lower = token.word.toLowerCase();
    const before = tokens[i - 1]?.word.toLowerCase();
    const alias = before === 'as' && !AFTER_AS.has(lower);
    if (KEYWORDS.has(lower) && !alias) flag(token);
    for (const phrase of PHRASES) {
      const words = phrase.map((_, j) => tokens[i + j]);
      if (words.every((w, j) => w?.word.toLowerCase() === phrase[j])) words.forEach((w) => flag(w!));
    }
  });
  return [...found].sort((a, b) => a.index - b.index);
}

export interface SourceString {
  line: number;
  /** The string's value; a template's ${…} parts each become the placeholder x. */
  text: string;
}

/** Every string literal and template of a TypeScript or JavaScript source. */
export function stringsOf(file: string, source: string): SourceString[] {
  const kind = /\.[cm]?js$/.test(file) ? ts.ScriptKind.JS : ts.ScriptKind.TS;
  const tree = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, kind);
  const out: SourceString[] = [];
  const visit = (node: ts.Node): void => {
    let text: string | undefined;
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) text = node.text;
    else if (ts.isTemplateExpression(node)) text = node.head.text + node.templateSpans.map((span) => `x${span.literal.text}`).join('');
    if (text !== undefined) out.push({ line: tree.getLineAndCharacterOfPosition(node.getStart(tree)).line + 1, text });
    ts.forEachChild(node, visit);
  };
  visit(tree);
  return out;
}

const ROOT = path.resolve(import.meta.dirname, '../..');
const SCANNED_DIRS = ['test', 'src', 'bench', 'scripts', 'sql'];
const CODE = new Set(['.ts', '.js', '.mjs', '.cjs', '.mts', '.cts']);
// Files that hold no SQL the project writes: the ERD goldens (.json/.txt/.dot/.mmd/.md, rendered output whose 'set null'
// is a relationship label). Any other extension fails the guard, so a new kind of file is looked at, not skipped.
const NOT_SQL = new Set(['.json', '.txt', '.dot', '.mmd', '.md']);
// This guard's own test holds lower-case SQL on purpose: the samples that prove it catches lower case.
const GUARD_TEST = 'test/style/sql-case.test.ts';

const EXCUSE = /(?:^|\s)\/\/\s*sql-case:\s*\S/;

export interface Finding {
  file: string;
  line: number;
  words: string[];
}

export interface Scan {
  findings: Finding[];
  /** Files of a kind the guard does not know how to read. */
  unknown: string[];
  /** file:line of `// sql-case:` comments that excuse nothing. */
  staleExcuses: string[];
}

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(path.join(ROOT, dir), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(ROOT, path.join(entry.parentPath, entry.name)));
}

export function scan(): Scan {
  const result: Scan = { findings: [], unknown: [], staleExcuses: [] };
  for (const file of SCANNED_DIRS.flatMap(filesUnder).sort()) {
    const ext = path.extname(file);
    if (NOT_SQL.has(ext) || file === GUARD_TEST) continue;
    const source = fs.readFileSync(path.join(ROOT, file), 'utf8');
    if (ext === '.sql') {
      const byLine = new Map<number, string[]>();
      for (const k of lowerCaseKeywords(source)) {
        const line = source.slice(0, k.index).split('\n').length;
        byLine.set(line, [...(byLine.get(line) ?? []), k.word]);
      }
      for (const [line, words] of byLine) result.findings.push({ file, line, words });
      continue;
    }
    if (!CODE.has(ext)) {
      result.unknown.push(file);
      continue;
    }
    const excuses = new Set<number>();
    source.split('\n').forEach((text, i) => {
      if (EXCUSE.test(text)) excuses.add(i + 1);
    });
    const used = new Set<number>();
    for (const s of stringsOf(file, source)) {
      if (!isSql(s.text)) continue;
      const words = lowerCaseKeywords(s.text).map((k) => k.word);
      if (words.length === 0) continue;
      const excuse = [s.line, s.line - 1].find((n) => excuses.has(n));
      if (excuse === undefined) result.findings.push({ file, line: s.line, words });
      else used.add(excuse);
    }
    for (const n of excuses) if (!used.has(n)) result.staleExcuses.push(`${file}:${n}`);
  }
  return result;
}
