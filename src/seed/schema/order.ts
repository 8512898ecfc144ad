import type { ForeignKey, LayoutEntry, SchemaTable } from './layout.js';

/**
 * The load order: hand-written tables keep theirs; a schema table goes in as soon as every
 * seeded table it points at is in. Where keys form a cycle, the table whose missing targets
 * are reached only through nullable keys (else the first by name) goes in, and those keys
 * become later keys: NULL (or, for a NOT NULL key, a placeholder of the column's type) in
 * COPY, set once their targets are loaded, before the keys are checked again.
 */
export function loadOrder(entries: readonly LayoutEntry[], problems: string[]): LayoutEntry[] {
  const order: LayoutEntry[] = [];
  const placed = new Set<string>();
  const seeded = new Set(entries.map((e) => e.key));
  const pending = new Map(
    entries
      .filter((e): e is SchemaTable => e.kind === 'schema')
      .sort((a, b) => (a.label < b.label ? -1 : a.label > b.label ? 1 : 0))
      .map((e) => [e.key, e]),
  );
  const waitsFor = (t: SchemaTable, k: ForeignKey) => k.target !== t.key && seeded.has(k.target) && !placed.has(k.target);
  const place = (entry: LayoutEntry) => {
    order.push(entry);
    placed.add(entry.key);
    pending.delete(entry.key);
  };
  const placeReady = () => {
    for (let progress = true; progress;) {
      progress = false;
      for (const t of pending.values()) {
        if (t.foreignKeys.some((k) => waitsFor(t, k))) continue;
        place(t);
        progress = true;
      }
    }
  };

  for (const t of pending.values()) {
    // A key into its own table is filled in the row only through the id the seed numbers itself.
    const later = t.foreignKeys.filter((k) => k.target === t.key && !(k.refColumns.length === 1 && k.refColumns[0] === t.idColumn));
    deferKeys(t, later, problems);
  }
  placeReady();
  for (const entry of entries) {
    if (entry.kind !== 'hand') continue;
    for (const k of entry.extras?.foreignKeys ?? []) {
      if (k.target !== entry.key && seeded.has(k.target) && !placed.has(k.target))
        problems.push(
          `${entry.label}'s new column ${k.columns.join(', ')} points at ${k.targetLabel}, which the seed loads later; make it nullable or seed ${k.targetLabel} by hand earlier.`,
        );
    }
    place(entry);
    placeReady();
  }
  while (pending.size > 0) {
    const all = [...pending.values()];
    const cut = all.find((t) => t.foreignKeys.every((k) => !waitsFor(t, k) || k.nullable)) ?? all[0]!;
    deferKeys(
      cut,
      cut.foreignKeys.filter((k) => waitsFor(cut, k)),
      problems,
    );
    place(cut);
    placeReady();
  }
  return order;
}

function deferKeys(t: SchemaTable, keys: ForeignKey[], problems: string[]): void {
  for (const k of keys) {
    t.foreignKeys = t.foreignKeys.filter((x) => x !== k);
    t.laterKeys.push(k);
    if (t.parent === k) t.parent = null;
    if (!k.nullable && !k.columns.every((c) => t.placeholders.some((p) => p.name === c)))
      problems.push(
        `${t.label}.${k.columns.join(', ')} is a NOT NULL key in a cycle of keys (${k.name} → ${k.targetLabel}) and devdb cannot make a placeholder of its type: make it nullable, or give ${t.label} its rows elsewhere ("empty": true).`,
      );
    if (!t.rowKey)
      problems.push(
        `${t.label} has a key in a cycle (${k.name} → ${k.targetLabel}), set after the load by primary key, but ${t.label} has no primary key: add one, or leave it empty ("empty": true in the seed file).`,
      );
  }
}
