/**
 * The ERD capability: the live catalog drawn as text, Mermaid, DOT, SVG, JSON or Markdown.
 * Commands import from here only.
 */
export { chooseFormat, erd, type ErdOptions, type ErdResult } from './erd.js';
export { ERD_EXTENSIONS, ERD_FORMATS, render, type ErdFormat } from './formats.js';
export { outputTarget, writeOutput } from './write-output.js';
export { subsetModel, type SubsetOptions } from './subset.js';
