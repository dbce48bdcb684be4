// Which bot `npm start` runs: the local workspace only when nothing of Slack is set (or
// OPSBOT_MODE=local), and never against a database of another machine unless asked for.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.js';
import { isLocalDatabaseUrl, selectMode, SLACK_MARKERS } from '../../src/app/mode.js';
import { ConfigError } from '../../src/core/errors.js';

const SLACK = { SLACK_BOT_TOKEN: 'xoxb-1111-2222-abcdefabcdef', SLACK_SIGNING_SECRET: 'signing-secret-9f8e7d6c' };
const REMOTE = 'postgres://opsbot_ro:pw@db.abcdefghijklmnopqrst.supabase.co:5432/postgres';

function refusal(env: Record<string, string>): string {
  try {
    selectMode(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).userMessage;
  }
  throw new Error('expected selectMode to refuse');
}

describe('selectMode', () => {
  it('an empty environment is the local workspace', () => {
    expect(selectMode({})).toMatchObject({ mode: 'local' });
  });

  it('PORT alone, thresholds or a local DATABASE_URL keep it local', () => {
    expect(selectMode({ PORT: '8080', CONNECTIONS_WARN: '30', DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/autorepai' }).mode).toBe('local');
  });

  it('complete Slack settings are the production bot', () => {
    expect(selectMode(SLACK).mode).toBe('slack');
    expect(selectMode({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }).mode).toBe('slack');
  });

  it('any single Slack setting (a failed secret mount leaves the rest) is the production bot, which then fails as before', () => {
    for (const key of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'ALERTS_CHANNEL_ID', 'ONCALL_USERGROUP_ID', 'ALLOWED_CHANNEL_IDS', 'SLACK_API_URL']) {
      expect(SLACK_MARKERS).toContain(key);
      expect(selectMode({ [key]: 'C0ALERTS' }).mode, key).toBe('slack');
    }
    // …and the production start then names what is missing, exactly as it did before the local workspace existed.
    const err = (() => {
      try {
        loadConfig({ ALERTS_CHANNEL_ID: 'C0ALERTS', SLACK_SIGNING_SECRET: 'signing-secret-9f8e7d6c' }, 'bot');
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(err.problems.some((p) => p.startsWith('SLACK_BOT_TOKEN is missing'))).toBe(true);
    expect(err.problems.some((p) => p.startsWith('DATABASE_URL is missing'))).toBe(true);
  });

  it('a blank Slack setting does not count as set', () => {
    expect(selectMode({ SLACK_BOT_TOKEN: '  ' }).mode).toBe('local');
  });

  it('OPSBOT_MODE forces either mode', () => {
    expect(selectMode({ OPSBOT_MODE: 'slack' }).mode).toBe('slack');
    expect(selectMode({ ...SLACK, OPSBOT_MODE: 'local' }).mode).toBe('local');
    expect(refusal({ OPSBOT_MODE: 'prod' })).toMatch(/OPSBOT_MODE must be one of local, slack/);
  });

  it('refuses a database on another machine for the implicit local workspace, saying why and what to do', () => {
    for (const key of ['DATABASE_URL', 'STATE_DATABASE_URL', 'DATABASE_ADMIN_URL']) {
      const msg = refusal({ [key]: REMOTE });
      expect(msg).toContain(key);
      expect(msg).toMatch(/another machine/);
      expect(msg).toMatch(/OPSBOT_MODE=local/);
      expect(msg).toMatch(/SLACK_BOT_TOKEN/);
      expect(msg).not.toContain(':pw@');
    }
    expect(selectMode({ DATABASE_URL: REMOTE, OPSBOT_MODE: 'local' }).mode).toBe('local');
  });
});

describe('isLocalDatabaseUrl', () => {
  it.each([
    ['postgres://postgres@localhost/autorepai', true],
    ['postgres://postgres@127.0.0.1:5432/autorepai', true],
    ['postgresql://u:p@127.0.0.5/db', true],
    ['postgres://postgres@[::1]:5432/autorepai', true],
    ['postgres:///autorepai', true],
    ['postgres://postgres@%2Fvar%2Frun%2Fpostgresql/autorepai', true],
    ['postgres://postgres@/autorepai?host=/var/run/postgresql', true],
    ['postgres://postgres@db.example.com/autorepai', false],
    ['postgres://postgres@10.0.0.5/autorepai', false],
    ['postgres://postgres@localhost.evil.example/autorepai', false],
    ['postgres://postgres@127.0.0.1.nip.io/autorepai', false],
    ['postgres://postgres@localhost/db?host=db.example.com', false],
    ['https://localhost/db', false],
    ['not a url', false],
  ])('%s → %s', (url, local) => {
    expect(isLocalDatabaseUrl(url)).toBe(local);
  });
});
