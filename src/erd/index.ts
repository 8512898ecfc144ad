/**
 * The ERD capability: the live catalog drawn as text, Mermaid, DOT, SVG, JSON or Markdown.
 * Commands import from here only.
 */
export { chooseFormat, ERD_EXTENSIONS, ERD_FORMATS, erd, render, type ErdFormat, type ErdOptions, type ErdResult } from './erd.js';
export { outputTarget, writeOutput } from './write-output.js';
export { subsetModel, type SubsetOptions } from './subset.js';
