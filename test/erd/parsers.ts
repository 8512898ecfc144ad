import { instance } from '@viz-js/viz';
import mermaid from 'mermaid';
import { graphvizProblems } from '../../src/erd/render-svg.js';

/**
 * The real parsers every ERD format is checked with: Mermaid's own (the `mermaid` package, whose
 * parse runs under Node without a DOM) and Graphviz (`@viz-js/viz`). Each returns what the
 * parser understood, so a test compares it with the model rather than trusting the text.
 */
export interface MermaidReading {
  /** Entity ids, and the label each is drawn with (its alias, else its id), decoded. */
  entities: { id: string; label: string; attributes: string[]; classes: string[] }[];
  relationships: { from: string; to: string; label: string }[];
}

interface MermaidErDb {
  getEntities(): Map<string, { alias: string; attributes: { name: string }[]; cssClasses?: string }>;
  getRelationships(): { entityA: string; entityB: string; roleA: string }[];
}

/** Mermaid's entity codes (`#quot;`, `#35;`), as the renderer decodes them when it draws. */
function decode(text: string): string {
  return text
    .replace(/ﬂ°°(\d+)¶ß/g, (_, code: string) => String.fromCharCode(Number(code)))
    .replace(/ﬂ°(\w+)¶ß/g, (_, name: string) => (name === 'quot' ? '"' : `#${name};`));
}

export async function parseMermaid(text: string): Promise<MermaidReading> {
  // parse() throws on a syntax error, with Mermaid's own message; it also registers the diagram types.
  await mermaid.parse(text);
  const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
  const db = diagram.db as unknown as MermaidErDb;
  const byId = new Map<string, string>();
  const entities = [...db.getEntities().entries()].map(([key, e]) => {
    byId.set((e as { id?: string }).id ?? key, key);
    return {
      id: key,
      label: decode(e.alias || key),
      attributes: e.attributes.map((a) => a.name),
      classes: (e.cssClasses ?? '').split(/\s+/).filter(Boolean),
    };
  });
  const relationships = db
    .getRelationships()
    .map((r) => ({ from: byId.get(r.entityB) ?? r.entityB, to: byId.get(r.entityA) ?? r.entityA, label: decode(r.roleA) }));
  return { entities, relationships };
}

export interface DotReading {
  nodes: string[];
  edges: { tail: string; head: string }[];
  /** Graphviz's warnings and errors (but the one about widths it has no table for); a label it cannot read is a warning and an empty box. */
  messages: string[];
}

export async function parseDot(dot: string): Promise<DotReading> {
  const viz = await instance();
  // json0: the graph without drawing operations (xdot text in 'json' can carry stray bytes from the wasm heap).
  const result = viz.render(dot, { format: 'json0', engine: 'dot' });
  const messages = graphvizProblems(result.errors);
  if (result.status === 'failure') return { nodes: [], edges: [], messages };
  const graph = JSON.parse(result.output) as {
    objects?: { _gvid: number; name: string; nodes?: number[] }[];
    edges?: { tail: number; head: number }[];
  };
  const objects = graph.objects ?? [];
  const nodes = objects.filter((o) => !o.name.startsWith('cluster_'));
  const name = (gvid: number) => objects.find((o) => o._gvid === gvid)!.name;
  return { nodes: nodes.map((n) => n.name), edges: (graph.edges ?? []).map((e) => ({ tail: name(e.tail), head: name(e.head) })), messages };
}
