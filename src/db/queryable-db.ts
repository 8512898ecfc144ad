import type { CopySource, CopyTarget, Queryable, Row } from './db.js';

/**
 * The statement methods every Db shares: each adapter runs them on the Queryable it built over its
 * connection. The adapters differ only in how they open, run a transaction and close.
 */
export abstract class QueryableDb {
  protected constructor(private readonly statements: Queryable) {}

  query<T extends Row = Row>(text: string, params?: readonly unknown[]): Promise<T[]> {
    return this.statements.query<T>(text, params);
  }

  exec(text: string): Promise<void> {
    return this.statements.exec(text);
  }

  copyFrom(table: CopyTarget, columns: readonly string[], source: CopySource): Promise<void> {
    return this.statements.copyFrom(table, columns, source);
  }
}
