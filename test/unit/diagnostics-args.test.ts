// Arguments of /slowqueries and /db: what people type, and the answer to what they mistype.
import { describe, expect, it } from 'vitest';
import { parseDbArgs, parseSlowQueriesArgs } from '../../src/diagnostics/args.js';
import { commandLine } from '../../src/diagnostics/types.js';

describe('/slowqueries arguments', () => {
  it.each([
    ['', { sort: 'total', limit: 10 }],
    ['mean', { sort: 'mean', limit: 10 }],
    ['calls 25', { sort: 'calls', limit: 25 }],
    ['5 io', { sort: 'io', limit: 5 }],
    ['  AVG  ', { sort: 'mean', limit: 10 }],
  ])('"%s"', (text, expected) => {
    expect(parseSlowQueriesArgs(text)).toEqual({ command: 'slowqueries', ...expected });
  });

  it('rejects an unknown order with the usage and an example', () => {
    expect(() => parseSlowQueriesArgs('slowest')).toThrow(/don't understand "slowest".*\/slowqueries \[mean\|total\|calls\|io\] \[limit\]/s);
  });

  it.each(['0', '501', '1000'])('rejects limit %s', (n) => {
    expect(() => parseSlowQueriesArgs(`mean ${n}`)).toThrow(/between 1 and 500/);
  });
});

describe('/db arguments', () => {
  it.each([
    ['connections', { topic: 'connections' }],
    ['conn', { topic: 'connections' }],
    ['LOCKS', { topic: 'locks' }],
    ['blocking', { topic: 'locks' }],
    ['long', { topic: 'long', seconds: 60 }],
    ['long 300', { topic: 'long', seconds: 300 }],
    ['long 90s', { topic: 'long', seconds: 90 }],
    ['vacuum', { topic: 'tables' }],
    ['index', { topic: 'indexes' }],
    ['cache', { topic: 'cache' }],
    ['xid', { topic: 'wraparound' }],
  ])('"%s"', (text, expected) => {
    expect(parseDbArgs(text)).toEqual({ command: 'db', ...expected });
  });

  it('uses the configured default for /db long', () => {
    expect(parseDbArgs('long', { longRunningSeconds: 120 })).toEqual({ command: 'db', topic: 'long', seconds: 120 });
  });

  it('answers an empty /db or /db help with the usage', () => {
    expect(() => parseDbArgs('')).toThrow(/Usage: `\/db connections\|locks\|long \[seconds\]\|tables\|indexes\|cache\|wraparound`/);
    expect(() => parseDbArgs('help')).toThrow(/\/db long 300/);
  });

  it.each([
    ['lcoks', /don't know "lcoks"/],
    ['long soon', /one number of seconds/],
    ['long 0', /between 1 and 86400/],
    ['tables extra', /takes no arguments/],
  ])('rejects "%s"', (text, message) => {
    expect(() => parseDbArgs(text)).toThrow(message);
  });

  it('never echoes more than 40 characters of what was typed', () => {
    expect(() => parseDbArgs('x'.repeat(500))).toThrow(/"x{40}"/);
  });

  it('names each request as it would be typed', () => {
    expect(commandLine(parseDbArgs('long 5'))).toBe('/db long 5');
    expect(commandLine(parseSlowQueriesArgs('io'))).toBe('/slowqueries io 10');
  });
});
