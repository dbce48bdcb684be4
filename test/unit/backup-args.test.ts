// /backup arguments: what parses, and errors that say how to write it.
import { describe, expect, it } from 'vitest';
import { parseBackupArgs } from '../../src/backup/args.js';

describe('parseBackupArgs', () => {
  it('reads every subcommand', () => {
    expect(parseBackupArgs('')).toEqual({ sub: 'help' });
    expect(parseBackupArgs('now')).toEqual({ sub: 'now' });
    expect(parseBackupArgs('list')).toEqual({ sub: 'list', limit: 10 });
    expect(parseBackupArgs('LIST 25')).toEqual({ sub: 'list', limit: 25 });
    expect(parseBackupArgs('verify latest')).toEqual({ sub: 'verify', id: 'latest' });
    expect(parseBackupArgs('verify 20260301T070000Z-3fa2')).toEqual({ sub: 'verify', id: '20260301T070000Z-3fa2' });
    expect(parseBackupArgs('restore latest')).toEqual({ sub: 'restore', id: 'latest', tables: [] });
    expect(parseBackupArgs('restore 20260301T070000Z-3fa2 leads, auth.users leads')).toEqual({
      sub: 'restore',
      id: '20260301T070000Z-3fa2',
      tables: ['public.leads', 'auth.users'],
    });
    expect(parseBackupArgs('prune')).toEqual({ sub: 'prune' });
  });

  it('says what is wrong and how to write it', () => {
    expect(() => parseBackupArgs('verify')).toThrow(/Which backup\? Write `\/backup verify latest`/);
    expect(() => parseBackupArgs('verify yesterday')).toThrow(/"yesterday" is not a backup id\. Ids look like 20260301T070000Z-3fa2/);
    expect(() => parseBackupArgs('list 0')).toThrow(/n is a whole number from 1 to 100/);
    expect(() => parseBackupArgs('now please')).toThrow(/takes no arguments/);
    expect(() => parseBackupArgs('restore latest leads;drop')).toThrow(/"leads;drop" is not a table name/);
    expect(() => parseBackupArgs('backup')).toThrow(/Unknown subcommand "backup"\. Usage:\n`\/backup now`/);
  });
});
