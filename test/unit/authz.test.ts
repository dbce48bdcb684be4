// Who may run what, where: channels for read-only commands, roles from user groups (cached,
// failing closed) and explicit user lists.
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createAuthorizer, type AuthzConfig, type Directory } from '../../src/slack/authz.js';
import { fixedClock } from '../../src/core/clock.js';
import { UpstreamError } from '../../src/core/errors.js';

const ONCALL_GROUP = 'S0ONCALL';
const APPROVER_GROUP = 'S0APPROVE';
const TTL = 300_000;
const silent = pino({ level: 'silent' });

/** A Directory whose answers the test controls; every call is recorded. */
class FakeDirectory implements Directory {
  readonly calls: string[] = [];
  groups = new Map<string, string[]>([
    [ONCALL_GROUP, ['U0ALICE', 'U0BOB']],
    [APPROVER_GROUP, ['U0CAROL']],
  ]);
  failWith: Error | undefined;
  private gate: Promise<void> | undefined;
  private openGate: (() => void) | undefined;

  /** Holds every answer until `release()`. */
  hold(): void {
    this.gate = new Promise((resolve) => (this.openGate = resolve));
  }

  release(): void {
    this.openGate?.();
    this.gate = undefined;
  }

  async usergroupMembers(groupId: string): Promise<string[]> {
    this.calls.push(groupId);
    if (this.gate) await this.gate;
    if (this.failWith) throw this.failWith;
    return [...(this.groups.get(groupId) ?? [])];
  }
}

function setup(overrides: Partial<AuthzConfig> = {}) {
  const cfg: AuthzConfig = {
    oncallGroup: ONCALL_GROUP,
    approverGroup: APPROVER_GROUP,
    oncallUsers: [],
    approverUsers: [],
    allowedChannels: [],
    cacheTtlMs: TTL,
    ...overrides,
  };
  const directory = new FakeDirectory();
  const clock = fixedClock(Date.UTC(2025, 0, 15, 12));
  const authz = createAuthorizer(cfg, directory, clock, silent);
  return { authz, directory, clock };
}

const inOps = (userId: string) => ({ userId, channelId: 'C0OPS' });

describe('read access', () => {
  it('is open in every channel when no channels are configured', async () => {
    const { authz, directory } = setup();
    expect(await authz.check('read', { userId: 'U0ANYONE', channelId: 'C0RANDOM' })).toEqual({ allowed: true });
    expect(directory.calls).toEqual([]);
  });

  it('is limited to the allowed channels when configured, with a message naming them', async () => {
    const { authz } = setup({ allowedChannels: ['C0OPS', 'C0WARROOM'] });
    expect(await authz.check('read', { userId: 'U0ANYONE', channelId: 'C0OPS' })).toEqual({ allowed: true });
    expect(await authz.check('read', { userId: 'U0ANYONE', channelId: 'C0WARROOM' })).toEqual({ allowed: true });
    const refused = await authz.check('read', { userId: 'U0ANYONE', channelId: 'C0RANDOM' });
    expect(refused.allowed).toBe(false);
    if (refused.allowed) return;
    expect(refused.message).toContain('<#C0OPS>');
    expect(refused.message).toContain('<#C0WARROOM>');
    expect(refused.message).toContain('ALLOWED_CHANNEL_IDS');
  });
});

describe('roles', () => {
  it('on-call and approver come from their user groups', async () => {
    const { authz } = setup();
    expect(await authz.check('oncall', inOps('U0ALICE'))).toEqual({ allowed: true });
    expect(await authz.check('approver', inOps('U0CAROL'))).toEqual({ allowed: true });
    // Being on-call does not make someone an approver, nor the reverse.
    const notApprover = await authz.check('approver', inOps('U0ALICE'));
    expect(notApprover.allowed).toBe(false);
    if (!notApprover.allowed) {
      expect(notApprover.message).toContain('approvers');
      expect(notApprover.message).toContain(`<!subteam^${APPROVER_GROUP}>`);
    }
    const notOncall = await authz.check('oncall', inOps('U0CAROL'));
    expect(notOncall.allowed).toBe(false);
    if (!notOncall.allowed) expect(notOncall.message).toContain(`<!subteam^${ONCALL_GROUP}>`);
  });

  it('explicit user lists grant the role without asking Slack', async () => {
    const { authz, directory } = setup({ oncallUsers: ['U0DAVE'], approverUsers: ['U0ERIN'] });
    expect(await authz.check('oncall', inOps('U0DAVE'))).toEqual({ allowed: true });
    expect(await authz.check('approver', inOps('U0ERIN'))).toEqual({ allowed: true });
    expect(directory.calls).toEqual([]);
  });

  it('explicit lists work with no group configured; anyone else is refused with a clear message', async () => {
    const { authz, directory } = setup({ oncallGroup: undefined, approverGroup: undefined, oncallUsers: ['U0DAVE'] });
    expect(await authz.check('oncall', inOps('U0DAVE'))).toEqual({ allowed: true });
    const refused = await authz.check('oncall', inOps('U0ALICE'));
    expect(refused).toEqual({ allowed: false, message: expect.stringContaining('Only the on-call list may run this') });
    const noApprovers = await authz.check('approver', inOps('U0DAVE'));
    expect(noApprovers).toEqual({ allowed: false, message: expect.stringContaining('Only the approvers list may run this') });
    expect(directory.calls).toEqual([]);
  });

  it('the channel allow-list applies to every role: on-call and approvers are refused outside it, before Slack is asked', async () => {
    const { authz, directory } = setup({ allowedChannels: ['C0OPS'] });
    expect(await authz.check('oncall', { userId: 'U0ALICE', channelId: 'C0OPS' })).toEqual({ allowed: true });
    for (const channelId of ['D0DIRECT', 'G0PRIVATE', 'C0OTHER', '']) {
      for (const [access, userId] of [['oncall', 'U0ALICE'], ['approver', 'U0CAROL'], ['read', 'U0ANYONE']] as const) {
        const d = await authz.check(access, { userId, channelId });
        expect(d, `${access} in "${channelId}"`).toEqual({ allowed: false, message: expect.stringContaining('ALLOWED_CHANNEL_IDS') });
      }
    }
    // Only the one lookup for the allowed channel.
    expect(directory.calls).toEqual([ONCALL_GROUP]);
  });

  it('channel ids are compared exactly: no trimming, no case folding, no prefix match', async () => {
    const { authz } = setup({ allowedChannels: ['C0OPS'], oncallUsers: ['U0DAVE'] });
    for (const channelId of [' C0OPS', 'C0OPS ', 'c0ops', 'C0Ops', 'C0OPS2', 'C0OP', 'C0OPS\u0000', 'C0OPS,C0OTHER']) {
      expect((await authz.check('oncall', { userId: 'U0DAVE', channelId })).allowed, JSON.stringify(channelId)).toBe(false);
    }
    expect((await authz.check('oncall', { userId: 'U0DAVE', channelId: 'C0OPS' })).allowed).toBe(true);
  });
});

describe('membership cache', () => {
  it('asks Slack once per group within the TTL', async () => {
    const { authz, directory, clock } = setup();
    await authz.check('oncall', inOps('U0ALICE'));
    await authz.check('oncall', inOps('U0BOB'));
    clock.advance(TTL - 1);
    await authz.check('oncall', inOps('U0NOBODY'));
    expect(directory.calls).toEqual([ONCALL_GROUP]);
  });

  it('asks again after the TTL and sees membership changes', async () => {
    const { authz, directory, clock } = setup();
    expect(await authz.check('oncall', inOps('U0FRANK'))).toMatchObject({ allowed: false });
    directory.groups.set(ONCALL_GROUP, ['U0FRANK']);
    expect(await authz.check('oncall', inOps('U0FRANK'))).toMatchObject({ allowed: false });
    clock.advance(TTL);
    expect(await authz.check('oncall', inOps('U0FRANK'))).toEqual({ allowed: true });
    expect(await authz.check('oncall', inOps('U0ALICE'))).toMatchObject({ allowed: false });
    expect(directory.calls).toEqual([ONCALL_GROUP, ONCALL_GROUP]);
  });

  it('invalidate() forgets cached memberships', async () => {
    const { authz, directory } = setup();
    await authz.check('oncall', inOps('U0ALICE'));
    authz.invalidate();
    await authz.check('oncall', inOps('U0ALICE'));
    expect(directory.calls).toEqual([ONCALL_GROUP, ONCALL_GROUP]);
  });

  it('concurrent lookups of the same group share one Slack call', async () => {
    const { authz, directory } = setup();
    directory.hold();
    const pending = Promise.all([
      authz.check('oncall', inOps('U0ALICE')),
      authz.check('oncall', inOps('U0BOB')),
      authz.check('oncall', inOps('U0MALLORY')),
    ]);
    // Let every check reach the directory before it answers.
    await Promise.resolve();
    directory.release();
    const [a, b, m] = await pending;
    expect(a).toEqual({ allowed: true });
    expect(b).toEqual({ allowed: true });
    expect(m).toMatchObject({ allowed: false });
    expect(directory.calls).toEqual([ONCALL_GROUP]);
  });

  it('each group is cached separately', async () => {
    const { authz, directory } = setup();
    await authz.check('oncall', inOps('U0ALICE'));
    await authz.check('approver', inOps('U0CAROL'));
    await authz.check('approver', inOps('U0ALICE'));
    expect(directory.calls).toEqual([ONCALL_GROUP, APPROVER_GROUP]);
  });
});

describe('failing closed', () => {
  it('refuses with "could not check … Slack did not answer" when the directory throws, and recovers later', async () => {
    const { authz, directory } = setup();
    directory.failWith = new UpstreamError('usergroups.users.list failed: ratelimited');
    const refused = await authz.check('oncall', inOps('U0ALICE'));
    expect(refused.allowed).toBe(false);
    if (!refused.allowed) {
      expect(refused.message).toContain('could not check');
      expect(refused.message).toContain('on-call');
      expect(refused.message).toContain('Slack did not answer');
      expect(refused.message).not.toContain('Only the');
    }
    // The failure is not cached: the next check asks again and succeeds.
    directory.failWith = undefined;
    expect(await authz.check('oncall', inOps('U0ALICE'))).toEqual({ allowed: true });
    expect(directory.calls).toEqual([ONCALL_GROUP, ONCALL_GROUP]);
  });

  it('concurrent lookups all fail closed when the shared call fails', async () => {
    const { authz, directory } = setup();
    directory.failWith = new Error('socket hang up');
    directory.hold();
    const pending = Promise.all([authz.check('approver', inOps('U0CAROL')), authz.check('approver', inOps('U0CAROL'))]);
    await Promise.resolve();
    directory.release();
    const results = await pending;
    for (const r of results) expect(r).toEqual({ allowed: false, message: expect.stringContaining('Slack did not answer') });
    expect(directory.calls).toEqual([APPROVER_GROUP]);
  });

  it('a user on the explicit list is still allowed while Slack is down', async () => {
    const { authz, directory } = setup({ oncallUsers: ['U0DAVE'] });
    directory.failWith = new Error('down');
    expect(await authz.check('oncall', inOps('U0DAVE'))).toEqual({ allowed: true });
  });

  it('a stale cache is not used once expired: Slack failing after expiry refuses', async () => {
    const { authz, directory, clock } = setup();
    expect(await authz.check('oncall', inOps('U0ALICE'))).toEqual({ allowed: true });
    clock.advance(TTL);
    directory.failWith = new Error('down');
    expect(await authz.check('oncall', inOps('U0ALICE'))).toMatchObject({ allowed: false });
  });
});
