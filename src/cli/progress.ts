/**
 * Progress of steps that each process a known (or estimated) number of items, one step at
 * a time: on a terminal, a live bar for the current step (items, items/s, ETA) that becomes
 * a plain line when the step ends; elsewhere, only the plain lines.
 */
export interface Progress {
  update(step: string, done: number, total: number): void;
  finish(step: string, done: number, ms: number): void;
  /** Clears a live bar left mid-step (on failure), so the error starts on a clean line. */
  stop(): void;
}

const BAR_WIDTH = 24;
const REDRAW_MS = 100;

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function formatRate(perSecond: number): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)}M/s`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)}k/s`;
  return `${Math.round(perSecond)}/s`;
}

export function formatMs(ms: number): string {
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

export function createProgress(options: {
  tty: boolean;
  /** Where the live bar is drawn (default: stderr, which a command's own messages never share a line with). */
  write?: (text: string) => void;
  line: (text: string) => void;
  unit?: string;
}): Progress {
  const unit = options.unit ?? 'rows';
  const write = options.write ?? ((text: string) => process.stderr.write(text));
  let current: { step: string; started: number; drawn: number } | undefined;
  let barShown = false;
  const clear = () => {
    if (barShown) write('\r\x1b[2K');
    barShown = false;
  };
  return {
    update(step, done, total) {
      const now = performance.now();
      if (current?.step !== step) current = { step, started: now, drawn: 0 };
      if (!options.tty || now - current.drawn < REDRAW_MS) return;
      current.drawn = now;
      const seconds = Math.max((now - current.started) / 1000, 1e-3);
      const rate = done / seconds;
      const fraction = total > 0 ? Math.min(1, done / total) : 0;
      const filled = Math.round(fraction * BAR_WIDTH);
      const eta = rate > 0 && total > done ? ` ETA ${formatMs(((total - done) / rate) * 1000)}` : '';
      write(
        `\r\x1b[2K${step.padEnd(18)} [${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${formatCount(done)}/~${formatCount(total)} ${unit}  ${formatRate(rate)}${eta}`,
      );
      barShown = true;
    },
    finish(step, done, ms) {
      clear();
      current = undefined;
      options.line(
        `${step.padEnd(18)} ${formatCount(done).padStart(10)} ${unit}  ${formatMs(ms).padStart(8)}  ${formatRate(done / Math.max(ms / 1000, 1e-3))}`,
      );
    },
    stop: clear,
  };
}

/**
 * One line per long phase of a command (setup's first run: create, migrate, seed), so a run of
 * 15-30 s is never silent: on a terminal the label shows while the phase runs and its result is
 * added when it ends; elsewhere one finished line is written per phase.
 */
export interface Phases {
  start(label: string): void;
  end(result: string): void;
}

export function createPhases(options: { tty: boolean; write: (text: string) => void }): Phases {
  let current: { label: string; started: number } | undefined;
  return {
    start(label) {
      current = { label, started: performance.now() };
      if (options.tty) options.write(`${label} ...`);
    },
    end(result) {
      if (!current) return;
      const took = formatMs(performance.now() - current.started);
      options.write(options.tty ? ` ${result} (${took})\n` : `${current.label}: ${result} (${took})\n`);
      current = undefined;
    },
  };
}
