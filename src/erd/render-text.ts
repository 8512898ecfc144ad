import { displayName, refOf, type ExternalTable, type SchemaModel, type TableModel, type TableRef } from '../catalog/index.js';
import {
  byDomain,
  columnDefault,
  columnKeys,
  columnNote,
  compositeKeys,
  EXTERNAL_HEADING,
  incoming,
  keyLabel,
  kindNote,
  leftOutNote,
  outgoing,
  printable,
  relationNote,
  schemaTitle,
  shortType,
  summaryLine,
} from './describe.js';

/**
 * The terminal format: one block per table under its domain's heading, columns aligned within
 * the block and no line wider than it must be, so it reads well through `less` and `grep -A`.
 * Stored text is printed with its control characters escaped (`printable`).
 */
export function renderText(source: SchemaModel): string {
  const model = printable(source);
  const out: string[] = [`${schemaTitle(model)}: ${summaryLine(model)}`];
  const left = leftOutNote(model);
  if (left) out.push(left);
  for (const group of byDomain(model)) {
    const count = `${group.tables.length} table${group.tables.length === 1 ? '' : 's'}`;
    out.push('', `== ${group.label} (${count}) ==`);
    for (const table of group.tables) out.push('', ...tableBlock(model, table));
  }
  if (model.externals.length > 0) {
    out.push('', `== ${EXTERNAL_HEADING} (${model.externals.length}) ==`);
    for (const external of model.externals) out.push('', ...externalBlock(model, external));
  }
  return out.join('\n') + '\n';
}

/** A table of another schema that keys point to: the columns they name, and who points there. */
function externalBlock(model: SchemaModel, external: ExternalTable): string[] {
  const rows = external.columns.map((c) => [c.name, shortType(c.type)]);
  return [
    `${displayName(model, external)} [external]`,
    ...align(rows).map((line) => `  ${line}`),
    ...wrap('  referenced by: ', referencedBy(model, external)),
  ];
}

function referencedBy(model: SchemaModel, table: TableRef): string[] {
  return incoming(model, table).map((r) => `${displayName(model, refOf(r.from))}.${r.from.columns.join(',')} (${relationNote(model, r)})`);
}

function tableBlock(model: SchemaModel, table: TableModel): string[] {
  const kind = kindNote(table);
  const title = [
    displayName(model, table),
    kind ? `[${kind}]` : '',
    table.mutable ? '[mutable]' : '',
    table.description ? `- ${table.description}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  const references = new Map<string, string>();
  for (const r of outgoing(model, table)) {
    const target = `-> ${displayName(model, refOf(r.to))}.${r.to.columns.join(', ')} (${relationNote(model, r)})`;
    const key = r.from.columns.length === 1 ? r.from.columns[0]! : '';
    if (key) references.set(key, [references.get(key), target].filter(Boolean).join(' '));
  }
  const rows = table.columns.map((c) => [
    columnKeys(table, c.name).join(','),
    c.name,
    shortType(c.type),
    c.nullable ? 'null' : 'not null',
    columnDefault(c),
    [references.get(c.name), columnNote(c)].filter(Boolean).join('  '),
  ]);
  const lines = [title, ...align(rows).map((line) => `  ${line}`)];
  const composite = compositeKeys(table).map(keyLabel);
  if (composite.length > 0) lines.push(`  keys: ${composite.join('; ')}`);
  for (const r of outgoing(model, table).filter((r) => r.from.columns.length > 1)) {
    lines.push(
      `  (${r.from.columns.join(', ')}) -> ${displayName(model, refOf(r.to))}.(${r.to.columns.join(', ')}) (${relationNote(model, r)})`,
    );
  }
  const partitions = table.partitions.map((p) => [
    'partition',
    p.name,
    [p.bound, p.parent === table.name ? '' : `(of ${p.parent})`, p.partitionKey ? `partitioned by ${p.partitionKey}` : '']
      .filter(Boolean)
      .join(' '),
  ]);
  if (partitions.length > 0) lines.push(...align(partitions).map((line) => `  ${line}`));
  const back = referencedBy(model, table);
  if (back.length > 0) lines.push(...wrap('  referenced by: ', back));
  return lines;
}

function align(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => r[i]!.length))) ?? [];
  return rows.map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
}

/** Long lists wrap at 100 columns, continuation lines indented under the first item. */
function wrap(prefix: string, items: string[]): string[] {
  const lines: string[] = [];
  let line = prefix;
  for (const [i, item] of items.entries()) {
    const piece = item + (i < items.length - 1 ? ',' : '');
    if (line.length > prefix.length && line.length + 1 + piece.length > 100) {
      lines.push(line);
      line = ' '.repeat(prefix.length) + piece;
    } else {
      line = line.length > prefix.length ? `${line} ${piece}` : line + piece;
    }
  }
  lines.push(line);
  return lines;
}
