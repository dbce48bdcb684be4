// Arguments of /health and `opsbot health`.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { parseHealthArgs } from '../../src/health/args.js';

describe('parseHealthArgs', () => {
  it.each(['', '   ', '\n'])('%j means every component', (text) => {
    expect(parseHealthArgs(text)).toBeUndefined();
  });

  it.each([
    ['db', 'database'],
    ['database', 'database'],
    ['postgres', 'database'],
    ['DB', 'database'],
    ['  db  ', 'database'],
    ['frontend', 'frontend'],
    ['app', 'frontend'],
    ['web', 'frontend'],
    ['edge', 'edge'],
    ['ai', 'edge'],
    ['ai-chat', 'edge'],
    ['auth', 'auth'],
    ['Auth', 'auth'],
  ])('%j → %s', (text, component) => {
    expect(parseHealthArgs(text)).toBe(component);
  });

  it('an unknown component is an input error that names it and shows how to write it', () => {
    let err: unknown;
    try {
      parseHealthArgs('databse');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    const message = (err as InputError).userMessage;
    expect(message).toContain('"databse"');
    for (const usage of ['`/health`', '`/health db`', '`/health frontend`', '`/health edge`', '`/health auth`']) {
      expect(message).toContain(usage);
    }
  });

  it('more than one word is refused rather than silently using the first', () => {
    expect(() => parseHealthArgs('db frontend')).toThrow(InputError);
    expect(() => parseHealthArgs('db frontend')).toThrow('"db frontend"');
  });

  it('quotes at most 40 characters of what was typed', () => {
    const typed = 'x'.repeat(500);
    expect(() => parseHealthArgs(typed)).toThrow(`"${'x'.repeat(40)}"`);
    try {
      parseHealthArgs(typed);
    } catch (e) {
      expect((e as InputError).userMessage).not.toContain('x'.repeat(41));
    }
  });

  it('object property names are not components', () => {
    expect(() => parseHealthArgs('constructor')).toThrow(InputError);
    expect(() => parseHealthArgs('__proto__')).toThrow(InputError);
  });
});
