import type { SchemaModel } from '../catalog/index.js';
import { renderDot } from './render-dot.js';
import { renderMarkdown } from './render-markdown.js';
import { renderMermaid } from './render-mermaid.js';
import { renderText } from './render-text.js';

interface FormatSpec {
  /** The file extensions `--out` picks this format from, lower case, dot included. */
  extensions: readonly string[];
  render(model: SchemaModel): string | Promise<string>;
}

/**
 * Every ERD format, in one place: its name (the --format choices, in this order), the extensions
 * --out recognises, and its renderer. test/erd/formats-registry.test.ts fails when a format is
 * added halfway (a renderer file not registered here, a format without goldens).
 */
const FORMATS = {
  text: { extensions: ['.txt'], render: renderText },
  mermaid: { extensions: ['.mmd', '.mermaid'], render: renderMermaid },
  dot: { extensions: ['.dot', '.gv'], render: renderDot },
  svg: {
    extensions: ['.svg'],
    // Loaded only when asked for: Graphviz's wasm module is a few MB.
    render: async (model) => (await import('./render-svg.js')).renderSvg(model),
  },
  json: { extensions: ['.json'], render: (model) => JSON.stringify(model, null, 2) + '\n' },
  markdown: { extensions: ['.md', '.markdown'], render: renderMarkdown },
} as const satisfies Record<string, FormatSpec>;

export type ErdFormat = keyof typeof FORMATS;

export const ERD_FORMATS = Object.keys(FORMATS) as ErdFormat[];

/** The file extensions each format is written under; `--out` picks the format from them. */
export const ERD_EXTENSIONS: Readonly<Record<string, ErdFormat>> = Object.fromEntries(
  ERD_FORMATS.flatMap((format) => FORMATS[format].extensions.map((extension) => [extension, format])),
);

export async function render(model: SchemaModel, format: ErdFormat): Promise<string> {
  return FORMATS[format].render(model);
}
