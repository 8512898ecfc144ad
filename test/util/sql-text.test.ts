import { describe, expect, it } from 'vitest';
import { copyStatement } from '../../src/db/copy.js';
import { qualifiedName, quoteIdent, quoteLiteral, relationName } from '../../src/util/sql-text.js';
import * as catalog from '../../src/catalog/quote-ident.js';

describe('the one SQL-text module', () => {
  it('quotes names read from the catalog as quote_ident does: a dot, a quote, a keyword, mixed case', () => {
    expect(quoteIdent('users')).toBe('users');
    expect(quoteIdent('a.b')).toBe('"a.b"');
    expect(quoteIdent('say "hi"')).toBe('"say ""hi"""');
    expect(quoteIdent('select')).toBe('"select"');
    expect(quoteIdent('Order')).toBe('"Order"');
    expect(qualifiedName({ schema: 'My App', name: 'a.b' })).toBe('"My App"."a.b"');
    expect(quoteLiteral("it's")).toBe("'it''s'");
  });

  it('names a COPY target as one identifier or as schema and name, never by splitting on dots', () => {
    expect(relationName('a.b')).toBe('"a.b"');
    expect(relationName({ schema: 'sales', name: 'orders' })).toBe('sales.orders');
    expect(copyStatement('a.b', ['Id', 'end'], 'STDIN')).toBe('COPY "a.b" ("Id", "end") FROM STDIN');
    expect(copyStatement({ schema: 'My App', name: 'Order' }, ['user'], 'STDIN')).toBe('COPY "My App"."Order" ("user") FROM STDIN');
  });

  it('keeps the catalog file that other code imports it through', () => {
    expect(catalog.quoteIdent).toBe(quoteIdent);
    expect(catalog.qualifiedName).toBe(qualifiedName);
    expect(catalog.quoteLiteral).toBe(quoteLiteral);
  });
});
