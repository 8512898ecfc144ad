import { displayName, isView, refOf, tableKey, type Relation, type SchemaModel } from '../catalog/index.js';
import { escapeControlChars } from '../util/control-chars.js';
import { columnKeys, columnNote, compositeKeys, keyLabel, kindNote, partitionMarks, shortType } from './describe.js';
import { drawable } from './subset.js';

/**
 * A Mermaid `erDiagram`, which GitHub and GitLab render in Markdown. Crow's-foot ends carry
 * the cardinality; polymorphic links are dotted (non-identifying) and name their discriminator.
 * Views are dashed (classDef), partitions and keys over several columns are listed inside their
 * table, and a key into a schema that was not read ends at a stub entity (classDef external).
 *
 * Mermaid's grammar (erDiagram.jison) decides the quoting: an entity name is a bare word unless
 * it is a keyword of the lexer (class, style, end, one, many, to, ...; case-insensitive) or
 * holds other characters, and a quoted name may not hold `"`, `%` or `\`; so every table gets a
 * bare id of its own, and a label (`id["the real name"]`, entity codes for the forbidden
 * characters) when the id is not its name. Ids are allocated so no two tables share one.
 */
export function renderMermaid(model: SchemaModel, indent = ''): string {
  const ids = entityIds(model);
  const lines = [`${indent}erDiagram`];
  for (const table of model.tables) {
    const id = ids.get(tableKey(table))!;
    const name = displayName(model, table);
    const kind = kindNote(table);
    const label = id === name && !kind ? '' : `["${entityText(kind ? `${name} (${kind})` : name)}"]`;
    lines.push(`${indent}  ${id}${label} {`);
    const keys = compositeKeys(table);
    const attributes = attributeNames([...table.columns.map((c) => c.name), ...keys.map((k) => k.name)]);
    for (const [i, column] of table.columns.entries()) {
      const marks = columnKeys(table, column.name).join(', ');
      const attribute = attributes[i]!;
      const { token, exact } = type(column.type);
      const note = [
        attribute === column.name ? '' : `column ${column.name}`,
        exact ? '' : `type ${shortType(column.type)}`,
        columnNote(column),
      ]
        .filter(Boolean)
        .join('; ');
      lines.push(`${indent}    ${[token, attribute, marks, note ? quote(note) : ''].filter(Boolean).join(' ')}`);
    }
    // A key over several columns is the table's, not one column's: listed as a row of its own.
    for (const [i, key] of keys.entries()) lines.push(`${indent}    key ${attributes[table.columns.length + i]} ${quote(keyLabel(key))}`);
    for (const p of table.partitions) {
      const id = word(p.name, 'p');
      const note = [id === p.name ? '' : `partition ${p.name}`, p.parent === table.name ? '' : `of ${p.parent}`, p.bound]
        .filter(Boolean)
        .join(', ');
      lines.push(`${indent}    partition ${id} ${quote(note)}`);
    }
    lines.push(`${indent}  }`);
  }
  for (const external of model.externals) {
    lines.push(`${indent}  ${ids.get(tableKey(external))}["${entityText(`${displayName(model, external)} (external)`)}"] {`);
    const attributes = attributeNames(external.columns.map((c) => c.name));
    for (const [i, column] of external.columns.entries()) {
      const { token, exact } = type(column.type);
      const note = [attributes[i] === column.name ? '' : `column ${column.name}`, exact ? '' : `type ${shortType(column.type)}`]
        .filter(Boolean)
        .join('; ');
      lines.push(`${indent}    ${[token, attributes[i], note ? quote(note) : ''].filter(Boolean).join(' ')}`);
    }
    lines.push(`${indent}  }`);
  }
  for (const r of drawable(model)) lines.push(`${indent}  ${relation(model, r, ids)}`);
  const views = model.tables.filter(isView).map((t) => ids.get(tableKey(t))!);
  if (views.length > 0) lines.push(`${indent}  classDef view stroke-dasharray: 5 5`, `${indent}  class ${views.join(',')} view`);
  if (model.externals.length > 0)
    lines.push(
      `${indent}  classDef external stroke-dasharray: 2 2`,
      `${indent}  class ${model.externals.map((e) => ids.get(tableKey(e))!).join(',')} external`,
    );
  return lines.join('\n') + '\n';
}

/** Words Mermaid's erDiagram lexer reads as something other than a name, compared in lower case. */
const RESERVED = new Set([
  'erdiagram',
  'class',
  'classdef',
  'style',
  'end',
  'subgraph',
  'direction',
  'title',
  'acctitle',
  'accdescr',
  'one',
  'many',
  'only',
  'zero',
  'or',
  'more',
  'to',
  'optionally',
  'u',
  'o',
  'pk',
  'fk',
  'uk',
  'default',
]);

const bare = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** One id per table (external stubs too): its name when that is a safe bare word, else a sanitized, numbered one. */
function entityIds(model: SchemaModel): Map<string, string> {
  const ids = new Map<string, string>();
  const taken = new Set<string>();
  const names = [...model.tables, ...model.externals].map((t) => ({ key: tableKey(t), name: displayName(model, t) }));
  // Tables whose names are usable as they are keep them, whatever order they come in.
  for (const { key, name } of names) {
    if (bare.test(name) && !RESERVED.has(name.toLowerCase()) && !taken.has(name.toLowerCase())) {
      ids.set(key, name);
      taken.add(name.toLowerCase());
    }
  }
  for (const { key, name } of names) {
    if (ids.has(key)) continue;
    const base = `t_${name.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '') || 'table'}`;
    let id = base;
    for (let n = 2; taken.has(id.toLowerCase()); n++) id = `${base}_${n}`;
    ids.set(key, id);
    taken.add(id.toLowerCase());
  }
  return ids;
}

/** Attribute names: the name itself when Mermaid reads it as one, else a safe, unique stand-in. */
function attributeNames(names: readonly string[]): string[] {
  const taken = new Set<string>();
  return names.map((text) => {
    let name = word(text, 'c');
    for (let n = 2; taken.has(name); n++) name = `${word(text, 'c')}_${n}`;
    taken.add(name);
    return name;
  });
}

function word(text: string, prefix: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(text) && !RESERVED.has(text.toLowerCase())) return text;
  return `${prefix}_${text.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '')}`;
}

function relation(model: SchemaModel, r: Relation, ids: Map<string, string>): string {
  const parent = r.optional ? '|o' : '||';
  const child = r.cardinality === 'one-to-one' ? 'o|' : 'o{';
  const line = r.kind === 'polymorphic' ? '..' : '--';
  const columns = r.from.columns.join(', ');
  const marks = partitionMarks(model, r);
  const label =
    r.kind === 'polymorphic'
      ? `${columns} when ${r.discriminator!.column} = ${r.discriminator!.value}`
      : columns + (marks.on ? ` (on ${marks.on})` : '') + (marks.to ? ` (to ${marks.to})` : '');
  return `${ids.get(tableKey(refOf(r.to)))} ${parent}${line}${child} ${ids.get(tableKey(refOf(r.from)))} : ${quote(label)}`;
}

/**
 * An attribute's type as Mermaid's lexer reads one word (letters, digits and `-_[]().,`), so
 * `numeric(4,2)` and `varchar(20)[]` stay as PostgreSQL prints them. A type Mermaid cannot hold
 * in a word (a space left after shortening, a quoted name) has no escape in its grammar: the
 * word is a stand-in and `exact` is false, so the caller writes the real type in the comment.
 */
function type(text: string): { token: string; exact: boolean } {
  const short = shortType(text);
  if (/^[A-Za-z_][A-Za-z0-9_\-[\]().,]*$/.test(short)) return { token: short, exact: true };
  const stand = short.replace(/[^A-Za-z0-9_\-[\]().,]+/g, '_');
  return { token: /^[A-Za-z_]/.test(stand) ? stand : `t_${stand}`, exact: false };
}

/**
 * Text inside Mermaid's double quotes, as entity codes (which Mermaid decodes when it draws):
 * `"`, `%` and `\` are not allowed there, and `#` would start an entity code.
 */
function entityText(text: string): string {
  return escapeControlChars(text).replace(/[#"%\\]/g, (c) => (c === '"' ? '#quot;' : `#${c.charCodeAt(0)};`));
}

function quote(text: string): string {
  return `"${entityText(text)}"`;
}
