import { DevdbError } from '../errors.js';
import { renderDot } from './render-dot.js';
import type { SchemaModel } from '../catalog/index.js';

/**
 * SVG from the DOT renderer through Graphviz compiled to WebAssembly: no system Graphviz needed.
 * Graphviz draws a label it cannot read as an empty box and calls that a success with a warning,
 * so any message at all is a failure here: a diagram with blank tables is not written.
 */
export async function renderSvg(model: SchemaModel): Promise<string> {
  // Loaded here only: the wasm module is a few MB and only this format needs it.
  const { instance } = await import('@viz-js/viz');
  const viz = await instance();
  const result = viz.render(renderDot(model), { format: 'svg', engine: 'dot' });
  if (result.status === 'failure' || result.errors.length > 0) {
    const reason = result.errors.map((e) => `${e.level ?? 'error'}: ${e.message.trim()}`).join('; ');
    throw new DevdbError('E_INTERNAL', `Graphviz could not draw the diagram (${reason}); try --format dot and report the file.`);
  }
  return result.output;
}
