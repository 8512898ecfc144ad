import type { PolymorphicDeclaration } from './model.js';

/**
 * The schema's own annotations, read from catalog comments (CONTRIBUTING.md): `@domain` and
 * `@mutable` on tables, `sensitive: <kind>` and `@polymorphic` on columns.
 */
export interface TableTags {
  domain: string | null;
  mutable: boolean;
  description: string | null;
}

export function tableTags(comment: string | null): TableTags {
  if (comment === null) return { domain: null, mutable: false, description: null };
  const domain = /@domain\s+([A-Za-z0-9_-]+)/.exec(comment)?.[1] ?? null;
  const mutable = /@mutable\b/.test(comment);
  const description = comment
    .replace(/@domain\s+[A-Za-z0-9_-]+/g, '')
    .replace(/@mutable\b/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return { domain, mutable, description: description === '' ? null : description };
}

export function sensitiveKind(comment: string | null): string | null {
  return comment === null ? null : (/\bsensitive:\s*([A-Za-z_-]*)/i.exec(comment)?.[1]?.toLowerCase() ?? null);
}

/** Column comments that are only annotations say nothing to a reader. */
export function columnDescription(comment: string | null): string | null {
  if (comment === null) return null;
  const text = comment
    .replace(/@polymorphic\b.*$/s, '')
    .replace(/\bsensitive:\s*[A-Za-z_-]*/i, '')
    .trim();
  return text === '' ? null : text;
}

/** `@polymorphic entity_type project=projects.id task=tasks.id`, or null when the comment has none. */
export function parsePolymorphic(schema: string, table: string, column: string, comment: string | null): PolymorphicDeclaration | null {
  const match = comment === null ? null : /@polymorphic\b(.*)$/s.exec(comment);
  if (!match) return null;
  const words = (match[1] ?? '').trim().split(/\s+/).filter(Boolean);
  const [discriminator, ...pairs] = words;
  const declaration: PolymorphicDeclaration = { schema, table, column, discriminator: discriminator ?? null, targets: [], error: null };
  if (!discriminator || discriminator.includes('=')) {
    return {
      ...declaration,
      discriminator: null,
      error: 'names no discriminator column (expected "@polymorphic <column> value=table.column ...")',
    };
  }
  for (const pair of pairs) {
    const target = /^([^=\s]+)=([A-Za-z_][A-Za-z0-9_$]*)\.([A-Za-z_][A-Za-z0-9_$]*)$/.exec(pair);
    if (!target) return { ...declaration, error: `cannot read "${pair}" (expected value=table.column)` };
    declaration.targets.push({ value: target[1]!, table: target[2]!, column: target[3]! });
  }
  if (declaration.targets.length === 0)
    return { ...declaration, error: 'names no target (expected value=table.column after the discriminator)' };
  return declaration;
}
