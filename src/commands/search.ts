import * as Args from '@oclif/core/args';
import * as Flags from '@oclif/core/flags';
import { DevdbCommand, databaseFlags } from '../cli/base-command.js';
import {
  checkSearchOptions,
  DEFAULT_LIMIT,
  ENTITIES,
  MAX_LIMIT,
  renderPlans,
  renderResult,
  search,
  type SearchOptions,
  type SearchResult,
} from '../search/index.js';

export default class Search extends DevdbCommand<SearchResult> {
  static override summary = 'Ranked, typo-tolerant search over project names, task titles and comment bodies.';
  static override description = [
    'Every word must match, in any order and case. Order: the words as a phrase, then all words apart, then typo matches (whole words before parts of words in each);',
    'then projects, tasks, comments; then newest first. Words of four letters or more also match with one missing, extra, changed or swapped letter (marked ~).',
    'Words under three letters match at the start of a word (ui finds "UI", not "build"). %, _, quotes and SQL are literal. --explain shows the plan per word.',
  ].join('\n');
  static override examples = [
    '<%= config.bin %> search "login bug"',
    '<%= config.bin %> search deploymnet --in tasks --limit 5',
    '<%= config.bin %> search "100%" --project 42',
    '<%= config.bin %> search checkout --explain',
    '<%= config.bin %> search invoice --json',
  ];
  static override args = {
    term: Args.string({ description: 'words to look for (quote several words)', required: true }),
  };
  static override flags = {
    ...databaseFlags,
    in: Flags.string({ description: 'comma-separated tables to search: projects, tasks, comments', default: 'projects,tasks,comments' }),
    project: Flags.integer({ description: 'only this project (its id), its tasks and their comments' }),
    limit: Flags.integer({ description: `how many results (1 to ${MAX_LIMIT})`, default: DEFAULT_LIMIT }),
    threshold: Flags.string({
      description: "typo candidates' cut-off from 0 to 1 (pg_trgm word_similarity in the lexicon); default: what one typo needs",
    }),
    explain: Flags.boolean({
      description: 'print the plan per word (index or newest first) and each query plan (EXPLAIN ANALYZE)',
      default: false,
    }),
  };

  async run(): Promise<SearchResult> {
    const { args, flags } = await this.parse(Search);
    const options: SearchOptions = {
      term: args.term,
      in: flags.in.split(','),
      projectId: flags.project,
      limit: flags.limit,
      threshold: flags.threshold === undefined ? undefined : Number(flags.threshold),
      explain: flags.explain,
    };
    checkSearchOptions(options);
    const result = await this.withDatabase(flags, (db) => search(db, options), {
      create: false,
      // The lexicons too: a schema with its own projects, tasks and comments is still not devdb's.
      needs: { by: 'search', tables: ENTITIES.flatMap((e) => [e.table, e.lexicon]) },
    });
    if (flags.explain) for (const line of renderPlans(result)) this.log(line);
    for (const notice of result.notices) this.logToStderr(`note: ${notice}`);
    for (const line of renderResult(result, this.color())) this.log(line);
    return result;
  }
}
