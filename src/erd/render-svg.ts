import { DevdbError } from '../errors.js';
import { renderDot } from './render-dot.js';
import { DOT_FONT, SVG_FONT_FAMILY } from './text-width.js';
import type { SchemaModel } from '../catalog/index.js';

/** What Graphviz's SVG writer gives a text in DOT_FONT: the PostScript font's family and its generic fallback. */
const GRAPHVIZ_FAMILY = `font-family="${DOT_FONT},sans-Serif"`;

/**
 * Graphviz's width tables stop at ASCII, and it warns for every other character it lays out
 * (`prénom`, a name in Japanese). devdb sizes every text cell itself (text-width.ts), so that
 * warning says nothing about the diagram.
 */
const UNMEASURED = /^Warning: no value for width of non-ASCII character \d+\. Falling back to width of space character\s*$/;

/**
 * SVG from the DOT renderer through Graphviz compiled to WebAssembly: no system Graphviz needed.
 * Graphviz draws a label it cannot read as an empty box and calls that a success with a warning,
 * so any other message at all is a failure here: a diagram with blank tables is not written.
 *
 * The texts then name every font the cells were measured for (SVG_FONT_FAMILY) instead of
 * Helvetica alone, so a viewer without Helvetica draws one of them rather than whatever its
 * sans-serif is.
 */
export async function renderSvg(model: SchemaModel): Promise<string> {
  // Loaded here only: the wasm module is a few MB and only this format needs it.
  const { instance } = await import('@viz-js/viz');
  const viz = await instance();
  const result = viz.render(renderDot(model), { format: 'svg', engine: 'dot' });
  const problems = graphvizProblems(result.errors);
  if (result.status === 'failure' || problems.length > 0) {
    const reason = problems.join('; ');
    throw new DevdbError('E_INTERNAL', `Graphviz could not draw the diagram (${reason}); try --format dot and report the file.`);
  }
  return result.output.replaceAll(GRAPHVIZ_FAMILY, `font-family="${SVG_FONT_FAMILY}"`);
}

/** Graphviz's messages about a render, but the one about widths it does not know (see UNMEASURED). */
export function graphvizProblems(errors: readonly { level?: string | undefined; message: string }[]): string[] {
  return errors
    .filter((e) => !(e.level === 'warning' && UNMEASURED.test(e.message)))
    .map((e) => `${e.level ?? 'error'}: ${e.message.trim()}`);
}
