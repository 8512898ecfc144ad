import { Flags } from '@oclif/core';
import { DevdbCommand, databaseFlags } from '../cli/base-command.js';
import { chooseFormat, ERD_FORMATS, erd, type ErdFormat, type ErdResult } from '../erd/erd.js';
import { writeOutput } from '../erd/write-output.js';

export type ErdCommandResult = Omit<ErdResult, 'content'> & { out: string | null; content?: string };

export default class Erd extends DevdbCommand<ErdCommandResult> {
  static override summary = 'Draw the live schema: tables, keys and relationships, as text, Mermaid, DOT, SVG, JSON or Markdown.';
  static override description =
    'Reads the live catalog (never a copy of the schema), groups tables by their @domain tag and draws every foreign key with its cardinality and ON DELETE action, plus the polymorphic links declared in column comments. --table keeps one table and its neighbours within --depth hops, so a large schema stays legible. SVG is drawn by Graphviz compiled to WebAssembly: no system Graphviz is needed.';
  static override examples = [
    '<%= config.bin %> erd',
    '<%= config.bin %> erd --table tasks --depth 2 --format mermaid',
    '<%= config.bin %> erd --out docs/erd.svg',
    '<%= config.bin %> erd --domain users --domain projects --format dot | dot -Tpng > erd.png',
    '<%= config.bin %> erd --format markdown --out docs/schema-reference.md',
  ];
  static override flags = {
    ...databaseFlags,
    format: Flags.string({ char: 'f', description: 'output format (default: from the --out extension, else text)', options: [...ERD_FORMATS] }),
    table: Flags.string({ char: 't', description: 'show only this table and its neighbours (repeatable)', multiple: true }),
    depth: Flags.integer({ char: 'd', description: 'relationship hops to follow from --table (default 1)', min: 0, dependsOn: ['table'] }),
    domain: Flags.string({ description: 'show only the tables of this @domain (repeatable)', multiple: true }),
    schema: Flags.string({ description: 'PostgreSQL schema to read', default: 'public' }),
    out: Flags.string({ char: 'o', description: 'write to this file instead of standard output' }),
  };

  async run(): Promise<ErdCommandResult> {
    const { flags } = await this.parse(Erd);
    const format = chooseFormat(flags.format as ErdFormat | undefined, flags.out);
    const result = await this.withDatabase(flags, (db) =>
      erd(db, { format, tables: flags.table, depth: flags.depth, domains: flags.domain, schema: flags.schema }),
      { create: false },
    );
    const { content, ...summary } = result;
    if (flags.out) {
      writeOutput(flags.out, content);
      this.log(`Wrote ${format} to ${flags.out}: ${summary.tables.length} tables, ${summary.relations} relationships.`);
      return { ...summary, out: flags.out };
    }
    if (!this.jsonEnabled()) process.stdout.write(content);
    return { ...summary, out: null, content };
  }
}
