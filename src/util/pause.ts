/** Waits `ms` milliseconds: the one sleep of every bounded poll loop (lock waits, start, stop). */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
