import type { StepEvent } from '../migrate/migrator.js';
import type { SeedEvent } from '../seed/seed.js';
import { createPhases, createProgress, formatCount } from './progress.js';

/**
 * What `devdb setup` shows on stderr while its first run takes 15-30 s: one line per phase (creating
 * the embedded database, migrating, seeding) with its time, and the seed's live per-table bar on a
 * terminal. Silent with --json.
 */
export interface SetupProgress {
  /** `what`: the database being made, e.g. "a PostgreSQL 18 database in ./.devdb". */
  creating(what: string): void;
  migrating(from: string): void;
  onStep(event: StepEvent): void;
  onSeed(event: SeedEvent): void;
  /** Ends the phase still open; `seeded` says whether the seed finished (one that started and failed wrote nothing). */
  done(seeded: boolean): void;
  /** Clears a live bar left by a failure. */
  stop(): void;
}

export function createSetupProgress(options: { tty: boolean; silent: boolean }): SetupProgress {
  const write = (text: string) => {
    if (!options.silent) process.stderr.write(text);
  };
  const tty = options.tty && !options.silent;
  const phases = createPhases({ tty, write });
  const bar = createProgress({ tty, write, line: () => {} });
  let opening = false;
  let applied = 0;
  let rows = 0;
  let seeding = false;
  return {
    creating(what) {
      opening = true;
      phases.start(`Creating ${what}`);
    },
    migrating(from) {
      if (opening) phases.end('created');
      opening = false;
      phases.start(`Migrating from ${from}`);
    },
    onStep(event) {
      if (event.phase === 'done') applied++;
    },
    onSeed(event) {
      if (event.kind === 'plan') {
        seeding = true;
        phases.end(`${applied} applied`);
        phases.start('Seeding');
      } else if (event.kind === 'rows') bar.update(event.table, event.rows, event.estimate);
      else if (event.kind === 'table') {
        rows += event.rows;
        bar.finish(event.table, event.rows, event.ms);
      }
    },
    done(seeded) {
      phases.end(seeded ? `${formatCount(rows)} rows` : seeding ? 'not seeded' : `${applied} applied`);
    },
    stop: () => bar.stop(),
  };
}
