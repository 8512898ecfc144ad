import type { Random } from './random.js';
import * as V from './vocabulary.js';

/** What a template can mention besides the fixed pools: the people on the project. */
export interface TextContext {
  names: readonly string[];
}

type Part = string | ((rnd: Random, ctx: TextContext) => string);

const hex7 = (rnd: Random) => (rnd.nextUint32() >>> 4).toString(16).padStart(7, '0');

const SLOTS: Record<string, (rnd: Random, ctx: TextContext) => string> = {
  area: (r) => r.pick(V.AREAS),
  component: (r) => r.pick(V.COMPONENTS),
  bug: (r) => r.pick(V.BUGS),
  platform: (r) => r.pick(V.PLATFORMS),
  dependency: (r) => r.pick(V.DEPENDENCIES),
  language: (r) => r.pick(V.LANGUAGES),
  kind: (r) => r.pick(V.PROJECT_KINDS),
  incident: (r) => r.pick(V.INCIDENTS),
  payment: (r) => r.pick(V.PAYMENT_ISSUES),
  file: (r) => r.pick(V.SOURCE_FILES),
  major: (r) => String(r.int(2, 22)),
  n: (r) => String(r.int(2, 9)),
  m: (r) => String(r.int(1, 9)),
  commit: hex7,
  name: (r, ctx) => (ctx.names.length > 0 ? r.pick(ctx.names) : 'the team'),
};

/**
 * Templates are split into literal parts and slot functions once, so filling one is a few
 * concatenations: bulk text costs about as much as the PRNG calls behind it.
 */
export function compile(template: string): (rnd: Random, ctx: TextContext) => string {
  const parts: Part[] = [];
  let last = 0;
  for (const match of template.matchAll(/\{(\w+)\}/g)) {
    const slot = SLOTS[match[1]!];
    if (!slot) throw new Error(`unknown slot {${match[1]}} in template: ${template}`);
    if (match.index > last) parts.push(template.slice(last, match.index));
    parts.push(slot);
    last = match.index + match[0].length;
  }
  if (last < template.length) parts.push(template.slice(last));
  return (rnd, ctx) => {
    let out = '';
    for (const part of parts) out += typeof part === 'string' ? part : part(rnd, ctx);
    return out;
  };
}

const compileAll = (templates: readonly string[]) => templates.map(compile);
const TITLES = compileAll(V.TITLE_TEMPLATES);
const DESCRIPTIONS = compileAll(V.DESCRIPTION_SENTENCES);
const OPENERS = compileAll(V.COMMENT_OPENERS);
const BODIES = compileAll(V.COMMENT_BODIES);
const REPLIES = compileAll(V.REPLIES);
const PROJECT_DESCRIPTIONS = compileAll(V.PROJECT_DESCRIPTIONS);
const DOC_SUMMARIES = compileAll(V.DOC_SUMMARIES);

export const taskTitle = (rnd: Random, ctx: TextContext) => rnd.pick(TITLES)(rnd, ctx);

export function taskDescription(rnd: Random, ctx: TextContext): string {
  const first = rnd.pick(DESCRIPTIONS)(rnd, ctx);
  return rnd.chance(0.5) ? `${first} ${rnd.pick(DESCRIPTIONS)(rnd, ctx)}` : first;
}

export function commentBody(rnd: Random, ctx: TextContext): string {
  let body = rnd.pick(BODIES)(rnd, ctx);
  if (rnd.chance(0.4)) body = `${rnd.pick(OPENERS)(rnd, ctx)} ${body}`;
  const closer = rnd.pick(V.COMMENT_CLOSERS);
  return closer ? `${body} ${closer}` : body;
}

export const replyBody = (rnd: Random, ctx: TextContext) => rnd.pick(REPLIES)(rnd, ctx);

export const projectDescription = (rnd: Random, ctx: TextContext) => rnd.pick(PROJECT_DESCRIPTIONS)(rnd, ctx);

export const docSummary = (rnd: Random, ctx: TextContext) => rnd.pick(DOC_SUMMARIES)(rnd, ctx);

export function sourcePath(rnd: Random): string {
  return `${rnd.pick(V.SOURCE_DIRS)}/${rnd.pick(V.SOURCE_FILES)}${rnd.pick(V.SOURCE_EXTS)}`;
}

/** A small unified diff of a doc comment, as an AI-doc run would propose it. */
export function docDiff(rnd: Random, file: string): string {
  const line = rnd.int(3, 240);
  const fn =
    rnd.pick(['load', 'save', 'retry', 'validate', 'render', 'handle', 'parse', 'sync']) +
    rnd.pick(['Invoice', 'Session', 'Upload', 'Webhook', 'Page', 'Batch']);
  return [
    `--- a/${file}`,
    `+++ b/${file}`,
    `@@ -${line},3 +${line},6 @@`,
    '+/**',
    `+ * ${fn}: ${rnd.pick(['returns the stored row or null', 'throws when the input is malformed', 'retries twice with backoff', 'is safe to call concurrently'])}.`,
    '+ */',
    ` export async function ${fn}(input) {`,
    `   const result = await ${rnd.pick(['db', 'client', 'queue', 'cache'])}.${rnd.pick(['get', 'put', 'send', 'lookup'])}(input);`,
    '   return result;',
  ].join('\n');
}

export function docSnippet(rnd: Random, file: string): string {
  const name = file.slice(file.lastIndexOf('/') + 1).replace(/\.\w+$/, '');
  return `import { ${name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase())} } from './${name}';\n\nconst result = await ${name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase())}(${rnd.pick(['{ id: 42 }', "'draft'", 'request.body', 'options'])});`;
}

export function projectName(rnd: Random): string {
  const kind = rnd.pick(V.PROJECT_KINDS);
  return rnd.chance(0.35) ? `${rnd.pick(V.PROJECT_CODENAMES)} ${kind}` : kind;
}
