import { displayName, isView, refOf, tableKey, type Relation, type SchemaModel, type TableModel } from '../catalog/index.js';
import { escapeControlChars } from '../util/control-chars.js';
import { byDomain, columnKeys, kindNote, shortType } from './describe.js';
import { drawable } from './subset.js';

/**
 * Graphviz DOT: each table an HTML-like label with two ports per column (on its left and right
 * edges), so an edge leaves the referenced key's row on the right and lands on the foreign
 * key's row on the left; each domain a dashed cluster. Crow's-foot ends (crow = many, tee = one,
 * odot = optional), polymorphic links dashed, nullable columns typed with a trailing `?`.
 * Views have a dashed border; partitions are listed under the columns with their bounds.
 *
 * Names never reach DOT syntax unescaped: node ids are quoted strings (`\` and `"` escaped),
 * ports are numbered (a port name is an HTML attribute, which a `"` in a column would end),
 * and label text is XML-escaped with control characters made visible.
 */
export function renderDot(model: SchemaModel): string {
  const ids = nodeIds(model);
  const lines = [
    'digraph erd {',
    '  graph [rankdir=LR, fontname="Helvetica", fontsize=11, nodesep=0.35, ranksep=0.9, pad=0.3];',
    '  node [shape=plain, fontname="Helvetica", fontsize=10];',
    '  edge [fontname="Helvetica", fontsize=9, dir=both, color="#4a5568", arrowsize=0.8];',
  ];
  for (const [i, group] of byDomain(model).entries()) {
    const inner = group.tables.map((t) => `    ${node(model, t, ids)}`);
    if (group.domain === null && model.schemas.length === 1) lines.push(...inner.map((l) => l.slice(2)));
    else
      lines.push(
        `  subgraph cluster_${i} {`,
        `    label=${id(group.label)}; style="rounded,dashed"; color="#a0aec0"; fontcolor="#4a5568";`,
        ...inner,
        '  }',
      );
  }
  for (const r of drawable(model)) lines.push(`  ${edge(model, r, ids)}`);
  lines.push('}');
  return lines.join('\n') + '\n';
}

/** Node ids are the names people read (Graphviz titles SVG nodes with them), numbered only on a clash. */
function nodeIds(model: SchemaModel): Map<string, string> {
  const ids = new Map<string, string>();
  const taken = new Set<string>();
  for (const table of model.tables) {
    const name = escapeControlChars(displayName(model, table));
    let candidate = name;
    for (let n = 2; taken.has(candidate); n++) candidate = `${name} (${n})`;
    ids.set(tableKey(table), candidate);
    taken.add(candidate);
  }
  return ids;
}

function node(model: SchemaModel, table: TableModel, ids: Map<string, string>): string {
  const rows = table.columns.map((c, i) => {
    const keys = columnKeys(table, c.name).join(' ');
    const name = table.primaryKey?.columns.includes(c.name) ? `<u>${html(c.name)}</u>` : html(c.name);
    return (
      `<tr><td port="l${i}" align="left">${name}</td>` +
      `<td align="left"><font color="#4a5568">${html(shortType(c.type))}${c.nullable ? '?' : ''}</font></td>` +
      // Graphviz rejects an empty <font>, and a rejected label takes its ports with it.
      `<td port="r${i}" align="left">${keys ? `<font color="#2b6cb0">${keys}</font>` : ' '}</td></tr>`
    );
  });
  const kind = kindNote(table);
  const title = `<tr><td colspan="3" bgcolor="${isView(table) ? '#f7fafc' : '#e2e8f0'}"><b>${html(displayName(model, table))}</b>${kind ? ` <i>${html(kind)}</i>` : ''}</td></tr>`;
  const partitions = table.partitions.map(
    (p) =>
      `<tr><td align="left"><i>${html(p.name)}</i></td>` +
      `<td colspan="2" align="left"><font color="#4a5568">${html(`${p.parent === table.name ? '' : `of ${p.parent}: `}${p.bound}`)}</font></td></tr>`,
  );
  // A view is a dashed box without cell lines; a table a box of solid cells.
  const borders = isView(table) ? 'border="1" style="dashed" cellborder="0"' : 'border="0" cellborder="1"';
  const label = `<table ${borders} cellspacing="0" cellpadding="3">${title}${rows.join('')}${partitions.join('')}</table>`;
  const tooltip = table.description ? `, tooltip=${id(escapeControlChars(table.description))}` : '';
  return `${id(ids.get(tableKey(table))!)} [label=<${label}>${tooltip}];`;
}

/**
 * Written parent -> child so the layout ranks parents to the left of their children; the
 * crow's foot sits at the child (arrowhead), the one-mark at the parent (arrowtail).
 */
function edge(model: SchemaModel, r: Relation, ids: Map<string, string>): string {
  const port = (end: Relation['from'], side: 'l' | 'r') => {
    const table = model.tables.find((t) => tableKey(t) === tableKey(refOf(end)))!;
    const index = table.columns.findIndex((c) => c.name === end.columns[0]);
    return index < 0 ? '' : `:"${side}${index}":${side === 'r' ? 'e' : 'w'}`;
  };
  const parent = `${id(ids.get(tableKey(refOf(r.to)))!)}${port(r.to, 'r')}`;
  const child = `${id(ids.get(tableKey(refOf(r.from)))!)}${port(r.from, 'l')}`;
  const head = r.cardinality === 'one-to-one' ? 'teeodot' : 'crowodot';
  const tail = r.optional ? 'teeodot' : 'teetee';
  const attrs = [`arrowhead=${head}`, `arrowtail=${tail}`, `tooltip=${id(escapeControlChars(r.name))}`];
  const marks = [r.from.partition ? `on ${r.from.partition}` : '', r.to.partition ? `to ${r.to.partition}` : ''].filter(Boolean);
  if (r.kind === 'polymorphic') attrs.push('style=dashed', `label=${id(`${r.discriminator!.column}=${r.discriminator!.value}`)}`);
  else if (r.onDelete === 'cascade') attrs.push('color="#c53030"', `label=${id(['cascade', ...marks].join(', '))}`, 'fontcolor="#c53030"');
  else if (marks.length > 0) attrs.push(`label=${id(marks.join(', '))}`);
  if (r.from.partition) attrs.push('style=dotted');
  return `${parent} -> ${child} [${attrs.join(', ')}];`;
}

/** A quoted DOT identifier: backslashes and quotes escaped, control characters made visible. */
function id(text: string): string {
  return `"${escapeControlChars(text).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Text in an HTML-like label: XML-escaped, control characters (invalid in XML) made visible. */
function html(text: string): string {
  return escapeControlChars(text).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
