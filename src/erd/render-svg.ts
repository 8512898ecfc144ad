import { DevdbError } from '../errors.js';
import { renderDot } from './render-dot.js';
import type { SchemaModel } from '../catalog/model.js';

/** SVG from the DOT renderer through Graphviz compiled to WebAssembly: no system Graphviz needed. */
export async function renderSvg(model: SchemaModel): Promise<string> {
  // Loaded here only: the wasm module is a few MB and only this format needs it.
  const { instance } = await import('@viz-js/viz');
  const viz = await instance();
  const result = viz.render(renderDot(model), { format: 'svg', engine: 'dot' });
  if (result.status === 'failure') {
    const reason = result.errors.map((e) => e.message).join('; ');
    throw new DevdbError('E_INTERNAL', `Graphviz could not draw the diagram: ${reason}; try --format dot and report the file.`);
  }
  return result.output;
}
