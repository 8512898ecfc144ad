import { byDomain, columnKeys, shortType } from './describe.js';
import { drawable } from './subset.js';
import type { Relation, SchemaModel, TableModel } from '../catalog/model.js';

/**
 * Graphviz DOT: each table an HTML-like label with two ports per column (l_ on its left edge,
 * r_ on its right), so an edge leaves the referenced key's row on the right and lands on the
 * foreign key's row on the left; each domain a dashed cluster.
 * Crow's-foot ends (crow = many, tee = one, odot = optional), polymorphic links dashed,
 * nullable columns typed with a trailing `?`.
 */
export function renderDot(model: SchemaModel): string {
  const lines = [
    'digraph erd {',
    '  graph [rankdir=LR, fontname="Helvetica", fontsize=11, nodesep=0.35, ranksep=0.9, pad=0.3];',
    '  node [shape=plain, fontname="Helvetica", fontsize=10];',
    '  edge [fontname="Helvetica", fontsize=9, dir=both, color="#4a5568", arrowsize=0.8];',
  ];
  for (const [i, group] of byDomain(model).entries()) {
    const inner = group.tables.map((t) => `    ${node(t)}`);
    if (group.domain === null) lines.push(...inner.map((l) => l.slice(2)));
    else lines.push(`  subgraph cluster_${i} {`, `    label=${id(group.domain)}; style="rounded,dashed"; color="#a0aec0"; fontcolor="#4a5568";`, ...inner, '  }');
  }
  for (const r of drawable(model)) lines.push(`  ${edge(r)}`);
  lines.push('}');
  return lines.join('\n') + '\n';
}

function node(table: TableModel): string {
  const rows = table.columns.map((c) => {
    const keys = columnKeys(table, c.name).join(' ');
    const name = table.primaryKey?.columns.includes(c.name) ? `<u>${html(c.name)}</u>` : html(c.name);
    return (
      `<tr><td port=${id(`l_${c.name}`)} align="left">${name}</td>` +
      `<td align="left"><font color="#4a5568">${html(shortType(c.type))}${c.nullable ? '?' : ''}</font></td>` +
      // Graphviz rejects an empty <font>, and a rejected label takes its ports with it.
      `<td port=${id(`r_${c.name}`)} align="left">${keys ? `<font color="#2b6cb0">${keys}</font>` : ' '}</td></tr>`
    );
  });
  const title = `<tr><td colspan="3" bgcolor="#e2e8f0"><b>${html(table.name)}</b></td></tr>`;
  const label = `<table border="0" cellborder="1" cellspacing="0" cellpadding="3">${title}${rows.join('')}</table>`;
  const tooltip = table.description ? `, tooltip=${id(table.description)}` : '';
  return `${id(table.name)} [label=<${label}>${tooltip}];`;
}

/**
 * Written parent -> child so the layout ranks parents to the left of their children; the
 * crow's foot sits at the child (arrowhead), the one-mark at the parent (arrowtail).
 */
function edge(r: Relation): string {
  const parent = `${id(r.to.table)}:${id(`r_${r.to.columns[0] ?? ''}`)}:e`;
  const child = `${id(r.from.table)}:${id(`l_${r.from.columns[0] ?? ''}`)}:w`;
  const head = r.cardinality === 'one-to-one' ? 'teeodot' : 'crowodot';
  const tail = r.optional ? 'teeodot' : 'teetee';
  const attrs = [`arrowhead=${head}`, `arrowtail=${tail}`, `tooltip=${id(r.name)}`];
  if (r.kind === 'polymorphic') attrs.push('style=dashed', `label=${id(`${r.discriminator!.column}=${r.discriminator!.value}`)}`);
  else if (r.onDelete === 'cascade') attrs.push('color="#c53030"', 'label="cascade"', 'fontcolor="#c53030"');
  return `${parent} -> ${child} [${attrs.join(', ')}];`;
}

/** A quoted DOT identifier. */
function id(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function html(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
