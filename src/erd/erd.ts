import path from 'node:path';
import type { Queryable } from '../db/db.js';
import { usageError } from '../errors.js';
import { projectSchemas } from '../migrate/schemas-created.js';
import { displayName, introspect } from '../catalog/index.js';
import { ERD_EXTENSIONS, ERD_FORMATS, render, type ErdFormat } from './formats.js';
import { subsetModel, type SubsetOptions } from './subset.js';

/**
 * --format when given, else what the --out extension asks for (`--out docs/erd.svg` needs no
 * --format), else text on standard output. An --out whose extension names no format (none, or
 * `.png`, or `/etc/passwd`) is refused rather than filled with text.
 */
export function chooseFormat(format: ErdFormat | undefined, out: string | undefined): ErdFormat {
  if (format) return format;
  if (out === undefined) return 'text';
  const chosen = ERD_EXTENSIONS[path.extname(out).toLowerCase()];
  if (!chosen)
    throw usageError(
      `Cannot tell the format from "${out}"; pass --format (${ERD_FORMATS.join(', ')}) or use one of ${Object.keys(ERD_EXTENSIONS).join(' ')}.`,
    );
  return chosen;
}

export interface ErdOptions extends SubsetOptions {
  format: ErdFormat;
  /** The schemas to draw (default: the project's, projectSchemas); several draw their cross-schema keys too. */
  schemas?: readonly string[] | undefined;
  allSchemas?: boolean | undefined;
  /** The migrations folder whose CREATE SCHEMA statements name the project's schemas (default: the project's). */
  migrationsDir?: string | undefined;
  /** Views and materialized views are drawn (dashed) unless this is false. */
  views?: boolean | undefined;
}

export interface ErdResult {
  format: ErdFormat;
  schemas: string[];
  /** The tables and views drawn, as the diagram names them (`schema.table` when several schemas). */
  tables: string[];
  relations: number;
  content: string;
}

export async function erd(db: Queryable, options: ErdOptions): Promise<ErdResult> {
  if (options.depth !== undefined && (!Number.isInteger(options.depth) || options.depth < 0))
    throw usageError(`--depth must be a whole number of hops, 0 or more (got ${options.depth}).`);
  if (options.depth !== undefined && !(options.tables && options.tables.length > 0))
    throw usageError('--depth needs --table: it counts relationship hops from that table.');
  const schemas = options.schemas?.length || options.allSchemas ? options.schemas : await projectSchemas(db, options.migrationsDir);
  const full = await introspect(db, { schemas, allSchemas: options.allSchemas, views: options.views });
  const model = subsetModel(full, options);
  return {
    format: options.format,
    schemas: model.schemas,
    tables: model.tables.map((t) => displayName(model, t)),
    relations: model.relations.length,
    content: await render(model, options.format),
  };
}
