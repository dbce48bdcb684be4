// The registry the bot and the CLI share, and the start-up check that catches what a cast
// could slip past the types.
import { describe, expect, it } from 'vitest';
import { describePlaybookRegistry } from '../../src/app/registry.js';
import { validateRegistry } from '../../src/playbooks/engine.js';
import type { AnyPlaybook } from '../../src/playbooks/types.js';

const registry = describePlaybookRegistry();
// What a spread of untyped data, a cast or plain JavaScript could hand the engine: the types
// cannot see it, the check can.
const smuggled = (extra: Record<string, unknown>): readonly AnyPlaybook[] => [{ ...registry[0]!, ...extra }];

describe('the playbook registry', () => {
  it('holds the runbook playbooks, restore-backup and the lockdown pair, each once, all within the rules', () => {
    const ids = registry.map((p) => p.id);
    expect(ids).toEqual(expect.arrayContaining(['kill-idle-connections', 'purge-old-interactions', 'restore-backup', 'lockdown-start', 'lockdown-lift']));
    expect(new Set(ids).size).toBe(ids.length);
    expect(() => validateRegistry(registry)).not.toThrow();
    for (const p of registry) if (p.risk === 'destructive') expect(p.approvals).toBeGreaterThanOrEqual(1);
  });

  it('a process that only describes playbooks refuses to run one, saying where to', async () => {
    const lift = registry.find((p) => p.id === 'lockdown-lift')!;
    await expect(lift.preview({} as never, { reason: 'safe again' })).rejects.toThrow(/not available in this command; run playbooks from Slack/);
  });

  it.each([
    [{ risk: 'destructive', approvals: 0 }, /destructive but needs no approval/],
    [{ risk: 'read', approvals: 1 }, /only reads; it must not ask for approvals/],
    [{ risk: 'dangerous', approvals: 1 }, /must be read, write or destructive/],
    [{ risk: 'write', approvals: 3 }, /must be 0, 1 or 2/],
    [{ risk: 'destructive', approvals: '1' }, /must be 0, 1 or 2/],
  ])('rejects %o at start-up', (extra, message) => {
    expect(() => validateRegistry(smuggled(extra))).toThrow(message);
  });

  it('rejects an id defined twice', () => {
    expect(() => validateRegistry([...registry, registry[0]!])).toThrow(/defined twice/);
  });
});
