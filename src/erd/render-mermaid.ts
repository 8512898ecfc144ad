import { displayName, isView, refOf, tableKey, type Relation, type SchemaModel, type TableModel } from '../catalog/index.js';
import { escapeControlChars } from '../util/control-chars.js';
import { columnKeys, columnNote, kindNote, shortType } from './describe.js';
import { drawable } from './subset.js';

/**
 * A Mermaid `erDiagram`, which GitHub and GitLab render in Markdown. Crow's-foot ends carry
 * the cardinality; polymorphic links are dotted (non-identifying) and name their discriminator.
 * Views are dashed (classDef), partitions are listed inside their table with their bounds.
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
    const attributes = attributeNames(table);
    for (const [i, column] of table.columns.entries()) {
      const keys = columnKeys(table, column.name).join(', ');
      const attribute = attributes[i]!;
      const note = [attribute === column.name ? '' : `column ${column.name}`, columnNote(column)].filter(Boolean).join('; ');
      lines.push(`${indent}    ${[type(column.type), attribute, keys, note ? quote(note) : ''].filter(Boolean).join(' ')}`);
    }
    for (const p of table.partitions) {
      const id = word(p.name, 'p');
      const note = [id === p.name ? '' : `partition ${p.name}`, p.parent === table.name ? '' : `of ${p.parent}`, p.bound]
        .filter(Boolean)
        .join(', ');
      lines.push(`${indent}    partition ${id} ${quote(note)}`);
    }
    lines.push(`${indent}  }`);
  }
  for (const r of drawable(model)) lines.push(`${indent}  ${relation(r, ids)}`);
  const views = model.tables.filter(isView).map((t) => ids.get(tableKey(t))!);
  if (views.length > 0) lines.push(`${indent}  classDef view stroke-dasharray: 5 5`, `${indent}  class ${views.join(',')} view`);
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

/** One id per table: its name when that is a safe bare word, else a sanitized, numbered one. */
function entityIds(model: SchemaModel): Map<string, string> {
  const ids = new Map<string, string>();
  const taken = new Set<string>();
  const names = model.tables.map((t) => ({ key: tableKey(t), name: displayName(model, t) }));
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

/** Attribute names: the column's name when Mermaid reads it as one, else a safe, unique stand-in. */
function attributeNames(table: TableModel): string[] {
  const taken = new Set<string>();
  return table.columns.map((c) => {
    let name = word(c.name, 'c');
    for (let n = 2; taken.has(name); n++) name = `${word(c.name, 'c')}_${n}`;
    taken.add(name);
    return name;
  });
}

function word(text: string, prefix: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(text) && !RESERVED.has(text.toLowerCase())) return text;
  return `${prefix}_${text.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '')}`;
}

function relation(r: Relation, ids: Map<string, string>): string {
  const parent = r.optional ? '|o' : '||';
  const child = r.cardinality === 'one-to-one' ? 'o|' : 'o{';
  const line = r.kind === 'polymorphic' ? '..' : '--';
  const columns = r.from.columns.join(', ');
  const label =
    r.kind === 'polymorphic'
      ? `${columns} when ${r.discriminator!.column} = ${r.discriminator!.value}`
      : columns +
        (r.from.partition ? ` (on partition ${r.from.partition})` : '') +
        (r.to.partition ? ` (to partition ${r.to.partition})` : '');
  return `${ids.get(tableKey(refOf(r.to)))} ${parent}${line}${child} ${ids.get(tableKey(refOf(r.from)))} : ${quote(label)}`;
}

function type(text: string): string {
  const short = shortType(text).replace(/[^A-Za-z0-9_\-[\]()]/g, '_');
  return /^[A-Za-z_]/.test(short) ? short : `t_${short}`;
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
