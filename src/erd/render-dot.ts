import {
  displayName,
  isView,
  refOf,
  tableKey,
  type ExternalTable,
  type Relation,
  type RelationEnd,
  type SchemaModel,
  type TableModel,
} from '../catalog/index.js';
import { escapeControlChars } from '../util/control-chars.js';
import { byDomain, columnKeys, compositeKeys, EXTERNAL_HEADING, keyLabel, kindNote, partitionMarks, shortType } from './describe.js';
import { drawable } from './subset.js';
import { DOT_FONT, textWidth, type Face } from './text-width.js';

/**
 * Graphviz DOT: each table an HTML-like label with two ports per column (on its left and right
 * edges), so an edge leaves the referenced key's row on the right and lands on the foreign
 * key's row on the left; each domain a dashed cluster. Crow's-foot ends (crow = many, tee = one,
 * odot = optional), polymorphic links dashed, nullable columns typed with a trailing `?`.
 * Views have a dashed border; partitions and keys over several columns are listed under the
 * columns; a key into a schema that was not read ends at a dotted stub of that table.
 *
 * Names never reach DOT syntax unescaped: node ids are quoted strings (`\` and `"` escaped),
 * ports are numbered (a port name is an HTML attribute, which a `"` in a column would end),
 * and label text is XML-escaped with control characters made visible.
 *
 * Every text sits alone on its line in a cell whose width is measured (text-width.ts), edge and
 * cluster labels included: Graphviz places a second text on a line by its own width estimate,
 * which is how titles ran into their tags.
 */
const NODE_SIZE = 10;
const EDGE_SIZE = 9;
const CLUSTER_SIZE = 11;
const PADDING = 3;
const MUTED = '#4a5568';
const KEY = '#2b6cb0';
const CASCADE = '#c53030';

export function renderDot(model: SchemaModel): string {
  const ids = nodeIds(model);
  const lines = [
    'digraph erd {',
    `  graph [rankdir=LR, fontname="${DOT_FONT}", fontsize=${CLUSTER_SIZE}, nodesep=0.35, ranksep=0.9, pad=0.3];`,
    `  node [shape=plain, fontname="${DOT_FONT}", fontsize=${NODE_SIZE}];`,
    `  edge [fontname="${DOT_FONT}", fontsize=${EDGE_SIZE}, dir=both, color="${MUTED}", arrowsize=0.8];`,
  ];
  for (const [i, group] of byDomain(model).entries()) {
    const inner = group.tables.map((t) => `    ${node(model, t, ids)}`);
    if (group.domain === null && model.schemas.length === 1) lines.push(...inner.map((l) => l.slice(2)));
    else lines.push(...cluster(`cluster_${i}`, group.label, 'rounded,dashed', inner));
  }
  if (model.externals.length > 0)
    lines.push(
      ...cluster(
        'cluster_external',
        EXTERNAL_HEADING,
        'rounded,dotted',
        model.externals.map((e) => `    ${externalNode(model, e, ids)}`),
      ),
    );
  for (const r of drawable(model)) lines.push(`  ${edge(model, r, ids)}`);
  lines.push('}');
  return lines.join('\n') + '\n';
}

function cluster(name: string, label: string, style: string, inner: string[]): string[] {
  return [
    `  subgraph ${name} {`,
    `    label=<${labelTable(label, CLUSTER_SIZE, MUTED)}>; style="${style}"; color="#a0aec0";`,
    ...inner,
    '  }',
  ];
}

/** Node ids are the names people read (Graphviz titles SVG nodes with them), numbered only on a clash. */
function nodeIds(model: SchemaModel): Map<string, string> {
  const ids = new Map<string, string>();
  const taken = new Set<string>();
  for (const table of [...model.tables, ...model.externals]) {
    const name = escapeControlChars(displayName(model, table));
    let candidate = name;
    for (let n = 2; taken.has(candidate); n++) candidate = `${name} (${n})`;
    ids.set(tableKey(table), candidate);
    taken.add(candidate);
  }
  return ids;
}

interface Line {
  text: string;
  face?: Face;
  color?: string;
  underline?: boolean;
}

interface Cell {
  lines: Line[];
  port?: string;
  colspan?: number;
  bgcolor?: string;
}

/**
 * A cell as wide as its widest line in the widest named font, borders and padding included.
 * Always left-aligned: Graphviz writes centred text as a start position computed from its own
 * width estimate, so centred text wider than that estimate would lean out of its cell.
 */
function td(cell: Cell, size = NODE_SIZE): string {
  const width = Math.ceil(Math.max(...cell.lines.map((l) => textWidth(escapeControlChars(l.text), size, l.face))) + 2 * (PADDING + 1));
  const attrs = [
    cell.port ? `port="${cell.port}"` : '',
    cell.colspan ? `colspan="${cell.colspan}"` : '',
    'align="left"',
    cell.lines.length > 1 ? 'balign="left"' : '',
    cell.bgcolor ? `bgcolor="${cell.bgcolor}"` : '',
    `width="${width}"`,
  ].filter(Boolean);
  return `<td ${attrs.join(' ')}>${cell.lines.map(markup).join('<br/>')}</td>`;
}

function markup(line: Line): string {
  // Graphviz rejects an empty <font>, and a rejected label takes its ports with it.
  if (line.text === '') return ' ';
  let text = html(line.text);
  if (line.underline) text = `<u>${text}</u>`;
  if (line.face === 'bold') text = `<b>${text}</b>`;
  if (line.face === 'italic') text = `<i>${text}</i>`;
  return line.color ? `<font color="${line.color}">${text}</font>` : text;
}

/** A label of one measured cell, for edges and clusters: Graphviz would size plain text by its own estimate. */
function labelTable(text: string, size: number, color: string): string {
  return `<table border="0" cellborder="0" cellspacing="0" cellpadding="0"><tr>${td({ lines: [{ text, color }] }, size)}</tr></table>`;
}

function title(name: string, note: string, bgcolor: string): string {
  const lines: Line[] = [{ text: name, face: 'bold' }];
  if (note) lines.push({ text: note, face: 'italic', color: MUTED });
  return `<tr>${td({ lines, colspan: 3, bgcolor })}</tr>`;
}

function node(model: SchemaModel, table: TableModel, ids: Map<string, string>): string {
  const rows = table.columns.map((c, i) => {
    const keys = columnKeys(table, c.name).join(' ');
    return (
      '<tr>' +
      td({ lines: [{ text: c.name, underline: table.primaryKey?.columns.includes(c.name) ?? false }], port: `l${i}` }) +
      td({ lines: [{ text: `${shortType(c.type)}${c.nullable ? '?' : ''}`, color: MUTED }] }) +
      td({ lines: [{ text: keys, color: KEY }], port: `r${i}` }) +
      '</tr>'
    );
  });
  const keys = compositeKeys(table).map((k) => `<tr>${td({ lines: [{ text: keyLabel(k), color: KEY }], colspan: 3 })}</tr>`);
  const partitions = table.partitions.map(
    (p) =>
      '<tr>' +
      td({ lines: [{ text: p.name, face: 'italic' }] }) +
      td({ lines: [{ text: `${p.parent === table.name ? '' : `of ${p.parent}: `}${p.bound}`, color: MUTED }], colspan: 2 }) +
      '</tr>',
  );
  const head = title(displayName(model, table), kindNote(table), isView(table) ? '#f7fafc' : '#e2e8f0');
  // A view is a dashed box without cell lines; a table a box of solid cells.
  const borders = isView(table) ? 'border="1" style="dashed" cellborder="0"' : 'border="0" cellborder="1"';
  const label = `<table ${borders} cellspacing="0" cellpadding="${PADDING}">${head}${rows.join('')}${keys.join('')}${partitions.join('')}</table>`;
  const tooltip = table.description ? `, tooltip=${id(escapeControlChars(table.description))}` : '';
  return `${id(ids.get(tableKey(table))!)} [label=<${label}>${tooltip}];`;
}

/** A table of a schema that was not read: its name and the columns keys point at, in a dotted box. */
function externalNode(model: SchemaModel, external: ExternalTable, ids: Map<string, string>): string {
  const rows = external.columns.map(
    (c, i) =>
      '<tr>' +
      td({ lines: [{ text: c.name }], port: `l${i}` }) +
      td({ lines: [{ text: shortType(c.type), color: MUTED }] }) +
      td({ lines: [{ text: '' }], port: `r${i}` }) +
      '</tr>',
  );
  const head = title(displayName(model, external), 'external', '#f7fafc');
  const label = `<table border="1" style="dotted" cellborder="0" cellspacing="0" cellpadding="${PADDING}">${head}${rows.join('')}</table>`;
  return `${id(ids.get(tableKey(external))!)} [label=<${label}>];`;
}

/**
 * Written parent -> child so the layout ranks parents to the left of their children; the
 * crow's foot sits at the child (arrowhead), the one-mark at the parent (arrowtail).
 */
function edge(model: SchemaModel, r: Relation, ids: Map<string, string>): string {
  const port = (end: RelationEnd, side: 'l' | 'r') => {
    const key = tableKey(refOf(end));
    const columns = (model.tables.find((t) => tableKey(t) === key) ?? model.externals.find((e) => tableKey(e) === key))!.columns;
    const index = columns.findIndex((c) => c.name === end.columns[0]);
    return index < 0 ? '' : `:"${side}${index}":${side === 'r' ? 'e' : 'w'}`;
  };
  const parent = `${id(ids.get(tableKey(refOf(r.to)))!)}${port(r.to, 'r')}`;
  const child = `${id(ids.get(tableKey(refOf(r.from)))!)}${port(r.from, 'l')}`;
  const head = r.cardinality === 'one-to-one' ? 'teeodot' : 'crowodot';
  const tail = r.optional ? 'teeodot' : 'teetee';
  const attrs = [`arrowhead=${head}`, `arrowtail=${tail}`, `tooltip=${id(escapeControlChars(r.name))}`];
  const { on, to } = partitionMarks(model, r);
  const marks = [on ? `on ${on}` : '', to ? `to ${to}` : ''].filter(Boolean);
  const label = (text: string, color: string) => `label=<${labelTable(text, EDGE_SIZE, color)}>`;
  if (r.kind === 'polymorphic') attrs.push('style=dashed', label(`${r.discriminator!.column}=${r.discriminator!.value}`, MUTED));
  else if (r.onDelete === 'cascade') attrs.push(`color="${CASCADE}"`, label(['cascade', ...marks].join(', '), CASCADE));
  else if (marks.length > 0) attrs.push(label(marks.join(', '), MUTED));
  if (on) attrs.push('style=dotted');
  return `${parent} -> ${child} [${attrs.join(', ')}];`;
}

/** A quoted DOT identifier: backslashes and quotes escaped, control characters made visible. */
function id(text: string): string {
  return `"${escapeControlChars(text).replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * Text in an HTML-like label: XML-escaped, control characters (invalid in XML) made visible, and
 * each `\` doubled, since Graphviz reads `\\` in a label (character references too) as one backslash.
 */
function html(text: string): string {
  return escapeControlChars(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/\\/g, '\\\\');
}
