// Query text shown in Slack and the terminal: literals never survive, SQL stays readable.
import { describe, expect, it } from 'vitest';
import { displayQuery, maskSqlLiterals } from '../../src/diagnostics/sql-text.js';
import { createRedactor } from '../../src/core/redact.js';

const redact = createRedactor([]).redact;

describe('maskSqlLiterals', () => {
  it.each([
    ["SELECT * FROM leads WHERE email = 'jane@example.com'", "SELECT * FROM leads WHERE email = '?'"],
    ["CREATE ROLE app LOGIN PASSWORD 'hunter2'", "CREATE ROLE app LOGIN PASSWORD '?'"],
    ["SELECT 'it''s', E'a\\'b\\\\', 'x'", "SELECT '?', E'?', '?'"],
    ['SELECT 42, 3.14, .5, 1e10, 0x1F, 1_000_000 FROM t', 'SELECT ?, ?, ?, ?, ?, ? FROM t'],
    ['SELECT $1, $2 FROM t1 WHERE col2 = $3', 'SELECT $1, $2 FROM t1 WHERE col2 = $3'],
    ['DO $$ BEGIN PERFORM 555123456; END $$', 'DO $$?$$'],
    ['SELECT $tag$secret body$tag$ || x', 'SELECT $$?$$ || x'],
    ['SELECT "Weird ""Name"" 1" FROM "t2"', 'SELECT "Weird ""Name"" 1" FROM "t2"'],
    ['SELECT 1 -- card 4111111111111111\nFROM t', 'SELECT ? FROM t'],
    ['/* user=jane@example.com /* nested */ still comment */ SELECT a', 'SELECT a'],
    ["-- header\n-- second\nSELECT   a,\n\t b FROM   t", 'SELECT a, b FROM t'],
    ['SELECT t.col1::int4, x$1 FROM tab_2', 'SELECT t.col1::int4, x$1 FROM tab_2'],
  ])('%s', (input, expected) => {
    expect(maskSqlLiterals(input)).toBe(expected);
  });

  it('an unterminated literal masks everything after it rather than leaking it', () => {
    expect(maskSqlLiterals("SELECT 'secret that never ends")).toBe("SELECT '?'");
  });
});

describe('displayQuery', () => {
  it('shortens to the limit with an ellipsis', () => {
    const shown = displayQuery(`SELECT ${'a, '.repeat(500)}b FROM t`, 80, redact);
    expect(shown.length).toBe(80);
    expect(shown.endsWith('…')).toBe(true);
  });

  it('redacts credential shapes that are not literals, e.g. in identifiers', () => {
    const shown = displayQuery('SELECT xoxb-123456789-abcdefghij FROM t', 300, redact);
    expect(shown).not.toContain('xoxb-123456789');
  });

  it('says when the text is hidden instead of showing <insufficient privilege>', () => {
    expect(displayQuery('<insufficient privilege>', 300, redact)).toMatch(/hidden.*pg_read_all_stats/);
    expect(displayQuery(null, 300, redact)).toMatch(/hidden/);
  });
});
