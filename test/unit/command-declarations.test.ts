// The declarations are the one source of usage, routing and parsing: what the pipeline answers
// in the ack, what /ops help lists, and what manifest.yml hints, for every command.
import { describe, expect, it } from 'vitest';
import { commandCatalog } from '../../handlers/index.js';
import { InputError } from '../../src/core/errors.js';
import { commandUsage, findSubcommand, usageHint, type CommandSpec, type SlackRun } from '../../src/slack/command.js';
import { resolveCommand } from '../../src/slack/pipeline.js';

const catalog = commandCatalog();
const cmd = (name: string): CommandSpec => {
  const c = catalog.find((x) => x.command === name);
  if (!c) throw new Error(`no ${name}`);
  return c;
};

describe('command declarations', () => {
  it('route by name and alias, fall back to the default, and hand the rest of the text to the schema', () => {
    expect(findSubcommand(cmd('/db'), 'conns')).toMatchObject({ sub: { name: 'connections' }, rest: '' });
    expect(findSubcommand(cmd('/db'), 'long 300')).toMatchObject({ sub: { name: 'long' }, rest: '300' });
    expect(findSubcommand(cmd('/lockdown'), '')).toMatchObject({ sub: { name: 'status' } });
    expect(findSubcommand(cmd('/health'), 'db')).toMatchObject({ sub: { name: '' }, rest: 'db' });
    expect(findSubcommand(cmd('/backup'), '')).toEqual({ empty: true });
    expect(findSubcommand(cmd('/db'), 'lcoks')).toEqual({ unknown: 'lcoks' });
  });

  it('a bad word is an InputError with the whole usage; a bad argument one with the subcommand usage or an example', () => {
    expect(() => resolveCommand(cmd('/db'), 'lcoks')).toThrow(InputError);
    expect(() => resolveCommand(cmd('/db'), 'lcoks')).toThrow(`Usage: \`${commandUsage(cmd('/db'))}\``);
    expect(() => resolveCommand(cmd('/backup'), 'list 1000')).toThrow(/`\/backup list \[n\]`/);
    expect(() => resolveCommand(cmd('/playbook'), 'audit zero')).toThrow(/`\/playbook audit \[n\]`: n is a whole number/);
    expect(() => resolveCommand(cmd('/lockdown'), 'start oops')).toThrow(/at least 5 characters, e\.g\. `\/lockdown start/);
  });

  it('`help` and a bare command without a default answer with the usage instead of running anything', () => {
    expect(resolveCommand(cmd('/backup'), '')).toEqual({ help: expect.stringContaining('/backup now') as string });
    expect(resolveCommand(cmd('/db'), 'help')).toEqual({ help: expect.stringMatching(/^Usage: `\/db connections \| locks \| long \[seconds\]/) as string });
  });

  it('usage hints are written from the subcommands', () => {
    expect(usageHint(cmd('/db'))).toBe('connections | locks | long [seconds] | tables | indexes | cache | wraparound | migrations | slots | explain [analyze] <queryid> | rls <user-uuid> <table> [where …]');
    expect(usageHint(cmd('/lockdown'))).toBe('[status] | start <reason> | lift <reason>');
    expect(usageHint(cmd('/health'))).toBe('[db|frontend|edge|auth|backups|outage]');
  });

  it('/ops help lists, from the same declarations, only what the caller may run here', async () => {
    const ops = cmd('/ops');
    const help = ops.subcommands[0]!;
    const said: string[] = [];
    const ctx = {
      who: { userId: 'U1', channelId: 'C1' },
      deps: { authz: { check: (access: string) => Promise.resolve(access === 'read' ? { allowed: true } : { allowed: false, message: 'no' }), invalidate: () => undefined } },
      respond: (m: { text: string }) => Promise.resolve(void said.push(m.text)),
    } as unknown as SlackRun;
    await help.run!(undefined, ctx);
    expect(said[0]).toContain('`/health`');
    expect(said[0]).toContain('`/backup list`');
    expect(said[0]).toContain('`/ops help`');
    expect(said[0]).not.toContain('/db');
    expect(said[0]).not.toContain('/backup now');
  });

  it('every subcommand that creates something in Slack is claimed once per delivery or runs its own claim', () => {
    const creates = ['/backup now', '/backup verify', '/backup restore', '/backup prune', '/lockdown start', '/lockdown lift', '/maintenance add', '/maintenance skip', '/logs summarize'];
    for (const line of creates) {
      const [c, s] = line.split(' ');
      expect(cmd(c!).subcommands.find((x) => x.name === s)?.once, line).toBe(true);
    }
  });
});
