import { columnKeys, columnNote, shortType } from './describe.js';
import { drawable } from './subset.js';
import type { Relation, SchemaModel } from '../catalog/model.js';

/**
 * A Mermaid `erDiagram`, which GitHub and GitLab render in Markdown. Crow's-foot ends carry
 * the cardinality; polymorphic links are dotted (non-identifying) and name their discriminator.
 */
export function renderMermaid(model: SchemaModel, indent = ''): string {
  const lines = [`${indent}erDiagram`];
  for (const table of model.tables) {
    lines.push(`${indent}  ${name(table.name)} {`);
    for (const column of table.columns) {
      const keys = columnKeys(table, column.name).join(', ');
      const note = columnNote(column);
      lines.push(`${indent}    ${[type(column.type), name(column.name), keys, note ? quote(note) : ''].filter(Boolean).join(' ')}`);
    }
    lines.push(`${indent}  }`);
  }
  for (const r of drawable(model)) lines.push(`${indent}  ${relation(r)}`);
  return lines.join('\n') + '\n';
}

function relation(r: Relation): string {
  const parent = r.optional ? '|o' : '||';
  const child = r.cardinality === 'one-to-one' ? 'o|' : 'o{';
  const line = r.kind === 'polymorphic' ? '..' : '--';
  const label = r.kind === 'polymorphic' ? `${r.from.columns.join(', ')} when ${r.discriminator!.column} = ${r.discriminator!.value}` : r.from.columns.join(', ');
  return `${name(r.to.table)} ${parent}${line}${child} ${name(r.from.table)} : ${quote(label)}`;
}

/** Mermaid names and types allow letters, digits, `_`, `-`, `[]` and `()`; anything else becomes `_`. */
function name(text: string): string {
  return text.replace(/[^A-Za-z0-9_-]/g, '_');
}

function type(text: string): string {
  return shortType(text).replace(/[^A-Za-z0-9_\-[\]()]/g, '_');
}

function quote(text: string): string {
  return `"${text.replace(/"/g, "'")}"`;
}
