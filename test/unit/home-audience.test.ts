// Who may read the Home tab when the bot is limited to some channels: members of those channels
// (read page by page from conversations.members, cached), on-call and approvers always; when
// Slack cannot be asked, nobody else (fail closed, saying so).
import { describe, expect, it } from 'vitest';
import pino from 'pino';
import { fixedClock } from '../../src/core/clock.js';
import { channelMembership, type MembersClient } from '../../src/home/audience.js';
import { APP_HOME_CHANNEL, createAuthorizer } from '../../src/slack/authz.js';

function fakeClient(pages: Record<string, string[][]>, calls: string[], fail = false): () => MembersClient {
  const client = {
    conversations: {
      members: (a: { channel: string; cursor?: string }) => {
        calls.push(`${a.channel}:${a.cursor ?? ''}`);
        if (fail) return Promise.reject(Object.assign(new Error('An API error occurred: ratelimited'), { code: 'slack_webapi_platform_error', data: { error: 'ratelimited' } }));
        const list = pages[a.channel] ?? [[]];
        const n = a.cursor ? Number(a.cursor) : 0;
        return Promise.resolve({ ok: true, members: list[n], response_metadata: { next_cursor: n + 1 < list.length ? String(n + 1) : '' } });
      },
    },
  };
  return () => client as unknown as MembersClient;
}

describe('the App Home audience', () => {
  it('reads every page of every allowed channel, once per cache period', async () => {
    const clock = fixedClock(0);
    const calls: string[] = [];
    const isMember = channelMembership(fakeClient({ C0OPS: [['U1', 'U2'], ['U3']], C0MGMT: [['U9']] }, calls), clock, 60_000);
    expect(await isMember('U3', ['C0OPS', 'C0MGMT'])).toBe(true);
    expect(await isMember('U9', ['C0OPS', 'C0MGMT'])).toBe(true);
    expect(await isMember('U7', ['C0OPS', 'C0MGMT'])).toBe(false);
    expect(calls).toEqual(['C0OPS:', 'C0OPS:1', 'C0MGMT:']);
    clock.advance(60_001);
    expect(await isMember('U1', ['C0OPS'])).toBe(true);
    expect(calls).toEqual(['C0OPS:', 'C0OPS:1', 'C0MGMT:', 'C0OPS:', 'C0OPS:1']);
  });

  it('lets members, on-call and approvers read; refuses others with the channels named; fails closed', async () => {
    const calls: string[] = [];
    const authz = (fail: boolean) =>
      createAuthorizer(
        {
          oncallGroup: undefined,
          approverGroup: undefined,
          oncallUsers: ['U0ONCALL'],
          approverUsers: ['U0APPROVER'],
          allowedChannels: ['C0OPS'],
          cacheTtlMs: 60_000,
          homeReaders: (userId) => channelMembership(fakeClient({ C0OPS: [['U0MANAGER']] }, calls, fail), fixedClock(0), 60_000)(userId, ['C0OPS']),
        },
        { usergroupMembers: () => Promise.resolve([]) },
        fixedClock(0),
        pino({ level: 'silent' }),
      );
    const ok = authz(false);
    const home = (userId: string) => ok.check('read', { userId, channelId: APP_HOME_CHANNEL });
    expect(await home('U0MANAGER')).toEqual({ allowed: true });
    expect(await home('U0ONCALL')).toEqual({ allowed: true });
    expect(await home('U0APPROVER')).toEqual({ allowed: true });
    expect(await home('U0OUTSIDER')).toEqual({ allowed: false, message: expect.stringContaining('members of <#C0OPS>') as string });
    // In a channel, read is the allow-list as before: no membership lookup.
    const before = calls.length;
    expect(await ok.check('read', { userId: 'U0OUTSIDER', channelId: 'C0OPS' })).toEqual({ allowed: true });
    expect(calls).toHaveLength(before);
    expect(await authz(true).check('read', { userId: 'U0MANAGER', channelId: APP_HOME_CHANNEL })).toEqual({ allowed: false, message: expect.stringContaining('Slack did not answer') as string });
  });
});
