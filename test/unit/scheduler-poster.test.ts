// Posting to channels: at most about one message per second per channel, and the Slack adapter
// sends threads and broadcasts the way Slack expects.
import { describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/core/clock.js';
import { memoryChatPoster, slackChatPoster, throttledPoster } from '../../src/slack/chat-poster.js';

describe('throttled poster', () => {
  it('spaces posts to one channel a second apart, without delaying other channels', async () => {
    const clock = fixedClock(Date.parse('2026-11-01T07:00:00Z'));
    const inner = memoryChatPoster(clock);
    const waits: number[] = [];
    const poster = throttledPoster(inner, {
      clock,
      sleep: (ms) => {
        waits.push(ms);
        return Promise.resolve();
      },
    });
    await Promise.all([
      poster.postMessage({ channel: 'C1', text: 'a' }),
      poster.postMessage({ channel: 'C1', text: 'b' }),
      poster.postMessage({ channel: 'C2', text: 'c' }),
      poster.postMessage({ channel: 'C1', text: 'd' }),
    ]);
    expect(waits).toEqual([1000, 2000]);
    expect(inner.messages.map((m) => m.text).sort()).toEqual(['a', 'b', 'c', 'd']);
    clock.advance(5000);
    await poster.postMessage({ channel: 'C1', text: 'e' });
    expect(waits).toEqual([1000, 2000]);
  });
});

describe('Slack chat poster', () => {
  it('posts thread replies with reply_broadcast and returns where the message landed', async () => {
    const calls: Record<string, unknown>[] = [];
    const client = {
      chat: {
        postMessage: (args: Record<string, unknown>) => {
          calls.push(args);
          return Promise.resolve({ ok: true, ts: '111.222', channel: 'C1' });
        },
        update: (args: Record<string, unknown>) => {
          calls.push({ update: true, ...args });
          return Promise.resolve({ ok: true });
        },
      },
    };
    const poster = slackChatPoster(client as never);
    expect(await poster.postMessage({ channel: 'C1', text: 'hi', threadTs: '100.1', broadcast: true })).toEqual({ channel: 'C1', ts: '111.222' });
    await poster.postMessage({ channel: 'C1', text: 'plain' });
    await poster.update({ channel: 'C1', ts: '111.222', text: 'edited' });
    expect(calls).toEqual([
      { channel: 'C1', text: 'hi', thread_ts: '100.1', reply_broadcast: true, unfurl_links: false },
      { channel: 'C1', text: 'plain', unfurl_links: false },
      { update: true, channel: 'C1', ts: '111.222', text: 'edited' },
    ]);
  });

  it('fails loudly when Slack answers without a message timestamp', async () => {
    const client = { chat: { postMessage: () => Promise.resolve({ ok: false, error: 'channel_not_found' }), update: () => Promise.resolve({ ok: true }) } };
    await expect(slackChatPoster(client as never).postMessage({ channel: 'C9', text: 'x' })).rejects.toThrow(/channel_not_found/);
  });
});
