// Start-up configuration: one error naming every problem, runbook defaults, and the secret list
// that redaction depends on.
import { describe, expect, it } from 'vitest';
import { loadConfig, SETTINGS, type SettingName } from '../../src/app/config.js';
import { ConfigError } from '../../src/core/errors.js';

const CLI_ENV = {
  DATABASE_URL: 'postgres://opsbot_ro:target-pw-7Hq2@db.abc.supabase.co:5432/postgres',
  APP_URL: 'https://app.autorepai.example',
  SUPABASE_URL: 'https://abc.supabase.co/',
  SUPABASE_ANON_KEY: 'sb_publishable_anon-key-0123456789abcdefghij',
} satisfies Partial<Record<SettingName, string>>;

const BOT_ENV = {
  ...CLI_ENV,
  SLACK_BOT_TOKEN: 'xoxb-1111-2222-abcdefabcdef',
  SLACK_SIGNING_SECRET: 'signing-secret-9f8e7d6c',
} satisfies Partial<Record<SettingName, string>>;

function configError(env: Record<string, string | undefined>, mode: 'bot' | 'cli' = 'bot'): ConfigError {
  try {
    loadConfig(env, mode);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected loadConfig to throw a ConfigError');
}

/** The problem line naming `key`; fails when there is none or more than one. */
function problemFor(err: ConfigError, key: string): string {
  const lines = err.problems.filter((p) => p.startsWith(`${key} `));
  expect(lines, `problems naming ${key}: ${err.problems.join(' | ')}`).toHaveLength(1);
  return lines[0]!;
}

describe('loadConfig: missing settings', () => {
  it('an empty environment gives one error naming every required setting with what it is for', () => {
    const err = configError({}, 'bot');
    for (const key of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'DATABASE_URL', 'APP_URL', 'SUPABASE_URL', 'SUPABASE_ANON_KEY'] as const) {
      const line = problemFor(err, key);
      expect(line).toContain('is missing');
      expect(line).toContain(SETTINGS[key].doc);
      expect(err.message).toContain(line);
    }
    expect(err.problems).toHaveLength(6);
    expect(err.code).toBe('config_invalid');
    expect(err.message.startsWith('Configuration is invalid:\n')).toBe(true);
  });

  it('lists missing and invalid settings together in the same error', () => {
    const err = configError({ ...BOT_ENV, APP_URL: undefined, DB_POOL_MAX: '4', OPS_TIMEZONE: 'Mars/Olympus' }, 'bot');
    expect(problemFor(err, 'APP_URL')).toContain('is missing');
    expect(problemFor(err, 'DB_POOL_MAX')).toContain(SETTINGS.DB_POOL_MAX.doc);
    expect(problemFor(err, 'OPS_TIMEZONE')).toContain('IANA time zone');
    expect(err.problems).toHaveLength(3);
  });

  it('treats empty strings as unset: required ones are missing, optional ones take their default', () => {
    const err = configError({ ...CLI_ENV, DATABASE_URL: '', SUPABASE_ANON_KEY: '' }, 'cli');
    expect(problemFor(err, 'DATABASE_URL')).toContain('is missing');
    expect(problemFor(err, 'SUPABASE_ANON_KEY')).toContain('is missing');

    const cfg = loadConfig({ ...CLI_ENV, PORT: '', OPS_TIMEZONE: '', SLACK_APP_TOKEN: '', DATABASE_ADMIN_URL: '', ALLOWED_CHANNEL_IDS: '' }, 'cli');
    expect(cfg.slack.port).toBe(3000);
    expect(cfg.timezone).toBe('America/New_York');
    expect(cfg.slack.appToken).toBeUndefined();
    expect(cfg.database.adminUrl).toBe(CLI_ENV.DATABASE_URL);
    expect(cfg.channels.allowed).toEqual([]);
  });
});

describe('loadConfig: bot and CLI mode', () => {
  it('the CLI needs no Slack settings', () => {
    const cfg = loadConfig(CLI_ENV, 'cli');
    expect(cfg.slack.botToken).toBe('');
    expect(cfg.slack.signingSecret).toBeUndefined();
  });

  it('the bot needs SLACK_BOT_TOKEN', () => {
    const err = configError({ ...BOT_ENV, SLACK_BOT_TOKEN: undefined });
    expect(problemFor(err, 'SLACK_BOT_TOKEN')).toContain('is missing');
    expect(err.problems).toHaveLength(1);
  });

  it('the bot in HTTP mode needs SLACK_SIGNING_SECRET, and the message mentions Socket Mode as the alternative', () => {
    const err = configError({ ...BOT_ENV, SLACK_SIGNING_SECRET: undefined });
    const line = problemFor(err, 'SLACK_SIGNING_SECRET');
    expect(line).toContain('is missing');
    expect(line).toContain('SLACK_APP_TOKEN');
    expect(err.problems).toHaveLength(1);
  });

  it('the bot in Socket Mode (SLACK_APP_TOKEN) needs no signing secret', () => {
    const cfg = loadConfig({ ...BOT_ENV, SLACK_SIGNING_SECRET: undefined, SLACK_APP_TOKEN: 'xapp-1-A0123-4567-abcdef' }, 'bot');
    expect(cfg.slack.appToken).toBe('xapp-1-A0123-4567-abcdef');
    expect(cfg.slack.signingSecret).toBeUndefined();
  });

  it('a token of the wrong kind is named', () => {
    const err = configError({ ...BOT_ENV, SLACK_BOT_TOKEN: 'xapp-1-wrong-kind', SLACK_APP_TOKEN: 'xoxb-wrong-kind' });
    expect(problemFor(err, 'SLACK_BOT_TOKEN')).toContain('xoxb-');
    expect(problemFor(err, 'SLACK_APP_TOKEN')).toContain('xapp-');
  });
});

describe('loadConfig: runbook defaults', () => {
  const cfg = loadConfig(CLI_ENV, 'cli');

  it('connections warn at 40 and are critical at 50 (or 80 % of max_connections)', () => {
    expect(cfg.thresholds.connectionsWarn).toBe(40);
    expect(cfg.thresholds.connectionsCritical).toBe(50);
    expect(cfg.thresholds.connectionsCriticalPct).toBe(80);
  });

  it('storage is compared with 8 GiB, warning at 80 % and critical at 90 %', () => {
    expect(cfg.thresholds.storageLimitBytes).toBe(8 * 1024 * 1024 * 1024);
    expect(cfg.thresholds.storageWarnPct).toBe(80);
    expect(cfg.thresholds.storageCriticalPct).toBe(90);
  });

  it('edge latency warns at 2 s and is critical at 3 s; failed logins warn above 10 per minute', () => {
    expect(cfg.thresholds.edgeLatencyWarnMs).toBe(2000);
    expect(cfg.thresholds.edgeLatencyCriticalMs).toBe(3000);
    expect(cfg.thresholds.failedLoginsPerMinuteWarn).toBe(10);
  });

  it('each check has 5 s, the target pool holds at most 3 connections, times are shown in New York time', () => {
    expect(cfg.thresholds.checkTimeoutMs).toBe(5000);
    expect(cfg.database.poolMax).toBe(3);
    expect(cfg.timezone).toBe('America/New_York');
  });

  it('the state and admin databases default to the target; the edge function to ai-chat; Slack to slack.com', () => {
    expect(cfg.database.stateUrl).toBe(CLI_ENV.DATABASE_URL);
    expect(cfg.database.adminUrl).toBe(CLI_ENV.DATABASE_URL);
    expect(cfg.supabase.edgeFunction).toBe('ai-chat');
    expect(cfg.slack.apiUrl).toBe('https://slack.com/api/');
    expect(cfg.roles.cacheTtlMs).toBe(300_000);
  });

  it('normalises URLs: no trailing slash on SUPABASE_URL, a trailing slash on SLACK_API_URL', () => {
    expect(cfg.supabase.url).toBe('https://abc.supabase.co');
    expect(loadConfig({ ...CLI_ENV, SLACK_API_URL: 'http://127.0.0.1:9999/api' }, 'cli').slack.apiUrl).toBe('http://127.0.0.1:9999/api/');
  });

  it('reads overrides and comma-separated id lists', () => {
    const c = loadConfig(
      { ...CLI_ENV, CONNECTIONS_WARN: '30', ALLOWED_CHANNEL_IDS: ' C0OPS , C0WAR ', ONCALL_USER_IDS: 'U1,U2', HEALTH_CHECK_TIMEOUT_MS: '2500' },
      'cli',
    );
    expect(c.thresholds.connectionsWarn).toBe(30);
    expect(c.channels.allowed).toEqual(['C0OPS', 'C0WAR']);
    expect(c.roles.oncallUsers).toEqual(['U1', 'U2']);
    expect(c.thresholds.checkTimeoutMs).toBe(2500);
  });
});

describe('loadConfig: invalid values are named', () => {
  it.each([
    ['APP_URL', 'not a url', 'http(s)://'],
    ['APP_URL', 'ftp://app.example', 'http(s)://'],
    ['SUPABASE_URL', 'abc.supabase.co', 'http(s)://'],
    ['DATABASE_URL', 'mysql://u:p@h/db', 'postgres://'],
    ['OPS_TIMEZONE', 'Mars/Olympus', 'IANA time zone'],
    ['DB_POOL_MAX', '4', '3'],
    ['PORT', 'eighty', 'number'],
    ['ALLOWED_CHANNEL_IDS', 'C0OPS,#general', 'Slack id'],
    ['EDGE_FUNCTION_NAME', 'AI Chat!', 'slug'],
  ] as const)('%s=%j is rejected', (key, value, hint) => {
    const err = configError({ ...CLI_ENV, [key]: value }, 'cli');
    const line = problemFor(err, key);
    expect(line).toContain(hint);
    expect(line).toContain(SETTINGS[key].doc);
    expect(err.problems).toHaveLength(1);
  });

  it.each([
    ['CONNECTIONS_WARN', '60', 'CONNECTIONS_CRITICAL'],
    ['STORAGE_WARN_PCT', '95', 'STORAGE_CRITICAL_PCT'],
    ['EDGE_LATENCY_WARN_MS', '4000', 'EDGE_LATENCY_CRITICAL_MS'],
    ['XID_AGE_WARN_PCT', '80', 'XID_AGE_CRITICAL_PCT'],
  ] as const)('a warning threshold above its critical one is named (%s)', (warnKey, value, criticalKey) => {
    const err = configError({ ...CLI_ENV, [warnKey]: value }, 'cli');
    expect(problemFor(err, warnKey)).toContain(`must not exceed ${criticalKey}`);
  });

  it.each([
    ['SEQUENCE_WARN_PCT', '99', 'SEQUENCE_CRITICAL_PCT'],
    ['CACHE_HIT_CRITICAL_PCT', '99.5', 'CACHE_HIT_WARN_PCT'],
    ['IDLE_IN_TRANSACTION_SECONDS', '700', 'IDLE_IN_TRANSACTION_CRITICAL_SECONDS'],
    ['LONG_RUNNING_SECONDS', '3600', 'LONG_RUNNING_CRITICAL_SECONDS'],
    ['BACKUP_RPO_WARN_HOURS', '72', 'BACKUP_RPO_CRITICAL_HOURS'],
  ] as const)('a pair spanning areas is ordered too (%s above %s)', (firstKey, value, secondKey) => {
    const err = configError({ ...CLI_ENV, [firstKey]: value }, 'cli');
    expect(problemFor(err, firstKey)).toContain(`must not exceed ${secondKey}`);
    expect(err.problems).toHaveLength(1);
  });

  it('equal warning and critical thresholds are accepted', () => {
    expect(loadConfig({ ...CLI_ENV, CONNECTIONS_WARN: '50' }, 'cli').thresholds.connectionsWarn).toBe(50);
  });

  it('a misordered threshold pair is listed together with missing settings', () => {
    const err = configError({ ...CLI_ENV, APP_URL: undefined, CONNECTIONS_WARN: '60' }, 'cli');
    expect(problemFor(err, 'APP_URL')).toContain('is missing');
    expect(problemFor(err, 'CONNECTIONS_WARN')).toContain('must not exceed CONNECTIONS_CRITICAL (50)');
  });

  it('the error never echoes a secret value it rejected', () => {
    const err = configError({ ...CLI_ENV, SUPABASE_ANON_KEY: 'short-secret' }, 'cli');
    expect(problemFor(err, 'SUPABASE_ANON_KEY')).not.toContain('short-secret');
    expect(err.message).not.toContain('short-secret');
  });
});

describe('loadConfig: secrets', () => {
  it('lists every secret value and the password inside each database URL', () => {
    const cfg = loadConfig(
      {
        ...BOT_ENV,
        SLACK_APP_TOKEN: 'xapp-1-A0123-4567-abcdef',
        SUPABASE_SERVICE_ROLE_KEY: 'sb_secret_service-role-key-0123456789',
        DATABASE_ADMIN_URL: 'postgresql://admin:admin-pw-Zx81@db.abc.supabase.co:5432/postgres',
        STATE_DATABASE_URL: 'postgres://state:p%40ss%2Fword@state.example:5432/opsbot',
      },
      'bot',
    );
    const expected = [
      BOT_ENV.SLACK_BOT_TOKEN,
      BOT_ENV.SLACK_SIGNING_SECRET,
      'xapp-1-A0123-4567-abcdef',
      BOT_ENV.SUPABASE_ANON_KEY,
      'sb_secret_service-role-key-0123456789',
      BOT_ENV.DATABASE_URL,
      'target-pw-7Hq2',
      'admin-pw-Zx81',
      'p%40ss%2Fword',
      'p@ss/word',
    ];
    for (const s of expected) expect(cfg.secrets).toContain(s);
    // Non-secret settings are not redacted (they appear in messages on purpose).
    expect(cfg.secrets).not.toContain(BOT_ENV.APP_URL);
    expect(cfg.secrets).not.toContain('https://abc.supabase.co');
  });

  it('longest first, so a secret containing another is replaced whole', () => {
    const { secrets } = loadConfig(BOT_ENV, 'bot');
    const lengths = secrets.map((s) => s.length);
    expect(lengths).toEqual([...lengths].sort((a, b) => b - a));
    expect(secrets.indexOf(BOT_ENV.DATABASE_URL)).toBeLessThan(secrets.indexOf('target-pw-7Hq2'));
  });

  it('a database password with a stray % is still listed and does not crash start-up', () => {
    const cfg = loadConfig({ ...CLI_ENV, DATABASE_URL: 'postgres://u:50%off-pw@db.example:5432/postgres' }, 'cli');
    expect(cfg.secrets).toContain('50%off-pw');
  });
});

// A command asks only for the settings it uses, and a message names the rule, not a symptom
// ("too short").
describe('loadConfig: what the caller requires', () => {
  it('requires only what it is told to: DATABASE_URL alone loads, other URLs and keys are empty', () => {
    const cfg = loadConfig({ DATABASE_URL: CLI_ENV.DATABASE_URL }, 'cli', ['DATABASE_URL']);
    expect(cfg.database.url).toBe(CLI_ENV.DATABASE_URL);
    expect(cfg.database.stateUrl).toBe(CLI_ENV.DATABASE_URL);
    expect(cfg.appUrl).toBe('');
    expect(cfg.supabase).toMatchObject({ url: '', anonKey: '' });
  });

  it('a list of alternatives is met by any of them, and named together when none is set', () => {
    const state = loadConfig({ STATE_DATABASE_URL: 'postgres://s:pw-state-1@st.example/opsbot' }, 'cli', [['DATABASE_URL', 'STATE_DATABASE_URL']]);
    expect(state.database.stateUrl).toBe('postgres://s:pw-state-1@st.example/opsbot');
    const err = configError2({}, [['DATABASE_URL', 'STATE_DATABASE_URL']]);
    expect(err.problems).toEqual([`DATABASE_URL is missing (or set STATE_DATABASE_URL) — ${SETTINGS.DATABASE_URL.doc}`]);
  });

  it('a value that is set is still checked when nothing requires it', () => {
    const err = configError2({ DATABASE_URL: CLI_ENV.DATABASE_URL, APP_URL: 'not a url' }, ['DATABASE_URL']);
    expect(problemFor(err, 'APP_URL')).toContain('must be an http(s):// URL');
  });

  it('the bot requires everything whatever list it is given', () => {
    const err = configError2({ ...BOT_ENV, APP_URL: undefined }, [], 'bot');
    expect(problemFor(err, 'APP_URL')).toContain('is missing');
  });
});

describe('loadConfig: messages state the rule', () => {
  const jwt = (payload: object) => `eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.c2lnbmF0dXJlLXZhbHVl`;
  it.each([
    ['SUPABASE_ANON_KEY', 'x', 'must be the project anon key (a JWT or sb_publishable_… key)'],
    ['SUPABASE_ANON_KEY', 'anon-key-that-is-long-enough-0123', 'must be the project anon key (a JWT or sb_publishable_… key)'],
    ['SUPABASE_ANON_KEY', 'sb_secret_0123456789abcdef', 'this is an sb_secret_… key'],
    ['SUPABASE_ANON_KEY', jwt({ role: 'service_role' }), 'this JWT is for the role "service_role"'],
    ['SUPABASE_SERVICE_ROLE_KEY', 'sb_publishable_0123456789abcdef', 'must be the service_role key (a JWT or sb_secret_… key); this is an sb_publishable_… key'],
    ['DB_POOL_MAX', '4', 'must be a whole number from 1 to 3'],
    ['DB_POOL_MAX', '2.5', 'must be a whole number from 1 to 3'],
    ['CONNECTIONS_CRITICAL_PCT', 'lots', 'must be a number from 1 to 100'],
    ['BREAK_GLASS_ENABLED', 'on', 'must be true/false, 1/0 or yes/no'],
    ['LOG_LEVEL', 'verbose', 'must be one of fatal, error, warn, info, debug, trace, silent'],
    ['SLACK_BOT_TOKEN', 'xapp-1-2', 'must be a bot token starting with xoxb-'],
    ['GEMINI_API_KEY', 'short', 'must be a Gemini API key'],
  ])('%s=%s: "%s"', (key, value, rule) => {
    const err = configError2({ DATABASE_URL: CLI_ENV.DATABASE_URL, [key]: value }, ['DATABASE_URL']);
    const line = problemFor(err, key);
    expect(line).toContain(rule);
    expect(line).not.toMatch(/too (small|big)|expected|Invalid (input|option)/i);
  });

  it.each([
    ['SUPABASE_ANON_KEY', jwt({ role: 'anon', iss: 'supabase' })],
    ['SUPABASE_ANON_KEY', 'sb_publishable_AbCdEf0123456789_xyz'],
    ['SUPABASE_SERVICE_ROLE_KEY', jwt({ role: 'service_role' })],
    ['SUPABASE_SERVICE_ROLE_KEY', 'sb_secret_AbCdEf0123456789_xyz'],
  ])('accepts %s=%s', (key, value) => {
    expect(() => loadConfig({ DATABASE_URL: CLI_ENV.DATABASE_URL, [key]: value }, 'cli', ['DATABASE_URL'])).not.toThrow();
  });
});

function configError2(env: Record<string, string | undefined>, requires: Parameters<typeof loadConfig>[2], mode: 'bot' | 'cli' = 'cli'): ConfigError {
  try {
    loadConfig(env, mode, requires);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return err as ConfigError;
  }
  throw new Error('expected loadConfig to throw a ConfigError');
}
