import * as Flags from '@oclif/core/flags';
import { confirmUnless, refuseUnconfirmable, yesFlag } from '../cli/ask.js';
import { DevdbCommand, databaseFlags } from '../cli/base-command.js';
import { migrationsDirFlag } from '../cli/migration-flags.js';
import { chooseFormat, ERD_FORMATS, erd, outputTarget, writeOutput, type ErdResult } from '../erd/index.js';

export type ErdCommandResult = Omit<ErdResult, 'content'> & { out: string | null; content?: string };

export default class Erd extends DevdbCommand<ErdCommandResult> {
  static override summary = 'Draw the live schema: tables, views, keys and relationships, as text, Mermaid, DOT, SVG, JSON or Markdown.';
  static override description =
    'Reads the live catalog (never a copy of the schema), groups tables by their @domain tag and draws every foreign key once, where it was declared, with its cardinality and ON DELETE action, plus the polymorphic links declared in column comments. Partitioned tables are drawn once with their partitions listed inside; views and materialized views are dashed. --schema (repeatable) or --all-schemas draws several schemas and the keys between them. --table keeps one table and its neighbours within --depth hops, so a large schema stays legible. --out never replaces an existing file unless you pass --yes (or --force) or answer yes on a terminal. SVG is drawn by Graphviz compiled to WebAssembly: no system Graphviz is needed.';
  static override examples = [
    '<%= config.bin %> erd',
    '<%= config.bin %> erd --table tasks --depth 2 --format mermaid',
    '<%= config.bin %> erd --out docs/erd.svg --yes',
    '<%= config.bin %> erd --domain users --domain projects --format dot | dot -Tpng > erd.png',
    '<%= config.bin %> erd --schema sales --schema public --no-views --format markdown --out docs/schema-reference.md',
  ];
  static override flags = {
    ...databaseFlags,
    format: Flags.option({
      char: 'f',
      description: 'output format (default: from the --out extension, else text)',
      options: ERD_FORMATS,
    })(),
    table: Flags.string({
      char: 't',
      description: 'show only this table (name or schema.name) and its neighbours (repeatable)',
      multiple: true,
    }),
    depth: Flags.integer({ char: 'd', description: 'relationship hops to follow from --table (default 1)', min: 0, dependsOn: ['table'] }),
    domain: Flags.string({ description: 'show only the tables of this @domain (repeatable)', multiple: true }),
    schema: Flags.string({
      description:
        'PostgreSQL schema to read (repeatable; default: the first of the search path, public, and the schemas your migrations create)',
      multiple: true,
      exclusive: ['all-schemas'],
    }),
    'all-schemas': Flags.boolean({ description: "read every schema but PostgreSQL's own and extensions'", exclusive: ['schema'] }),
    ...migrationsDirFlag,
    views: Flags.boolean({ description: 'draw views and materialized views (--no-views leaves them out)', default: true, allowNo: true }),
    out: Flags.string({
      char: 'o',
      description: 'write to this file instead of standard output (format from its extension; - is standard output)',
    }),
    ...yesFlag('replace an existing --out file'),
  };

  async run(): Promise<ErdCommandResult> {
    const { flags } = await this.parse(Erd);
    // `--out -` is standard output, as for most tools that take a file, never a file named `-`.
    const out = flags.out === '-' ? undefined : flags.out;
    const format = chooseFormat(flags.format, out);
    const replace = out !== undefined && outputTarget(out) === 'file';
    if (replace) {
      const confirmation = { given: flags.yes, flag: '--yes', what: `Replacing ${out}` };
      refuseUnconfirmable(confirmation);
      await confirmUnless(`${out} exists. Replace it?`, confirmation);
    }
    const result = await this.withDatabase(
      flags,
      (db) =>
        erd(db, {
          format,
          tables: flags.table,
          depth: flags.depth,
          domains: flags.domain,
          schemas: flags.schema,
          allSchemas: flags['all-schemas'],
          views: flags.views,
          migrationsDir: this.migrationsDir(flags).dir,
        }),
      { create: false },
    );
    const { content, ...summary } = result;
    if (out) {
      writeOutput(out, content, { replace });
      this.log(`Wrote ${format} to ${out}: ${summary.tables.length} tables, ${summary.relations} relationships.`);
      return { ...summary, out };
    }
    if (!this.jsonEnabled()) process.stdout.write(content);
    return { ...summary, out: null, content };
  }
}
