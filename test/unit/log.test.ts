// The pino root logger and Bolt's logger route: what reaches the log file, parsed as JSON.
import { LogLevel } from '@slack/logger';
import { describe, expect, it } from 'vitest';
import { boltLogger } from '../../src/core/log.js';
import { UpstreamError } from '../../src/core/errors.js';
import { capturedLogger } from '../support/unit-log.js';

const R = '[REDACTED]';
const ANON_KEY = 'anon-key-0123456789abcdefghij';
const DB_PASSWORD = 'pa55:w/rd@ops';
const SECRETS = [ANON_KEY, DB_PASSWORD];
const SLACK_TOKEN = ['xoxb', '1234567890', '0987654321', 'AbCdEfGhIjKlMnOp'].join('-');

describe('createLogger', () => {
  it('writes JSON lines with a level label, time and name, honouring the level', () => {
    const { logger, logs } = capturedLogger([], 'info');
    logger.debug('hidden');
    logger.info({ interactionId: 'i-1', durationMs: 12 }, 'health run finished');
    const lines = logs.lines();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 'info', name: 'opsbot', interactionId: 'i-1', durationMs: 12, msg: 'health run finished' });
    expect(typeof lines[0]!.time).toBe('number');
  });

  it('redacts secrets by value in the message, including URL-encoded and printf arguments', () => {
    const { logger, logs } = capturedLogger(SECRETS);
    logger.info(`key ${ANON_KEY} in message`);
    logger.info('encoded %s', encodeURIComponent(DB_PASSWORD));
    expect(logs.lines().map((l) => l.msg)).toEqual([`key ${R} in message`, `encoded ${R}`]);
    expect(logs.raw()).not.toContain(ANON_KEY);
    expect(logs.raw()).not.toContain(encodeURIComponent(DB_PASSWORD));
  });

  it('redacts logged objects by key and by value, nested in objects and arrays', () => {
    const { logger, logs } = capturedLogger(SECRETS);
    logger.info(
      {
        request: { headers: { authorization: 'Bearer abcdefgh12345678', apikey: 'whatever-value' } },
        attempts: [{ password: 'pw-1' }, { note: `used ${ANON_KEY}` }],
        url: `postgres://opsbot:${DB_PASSWORD}@db.example:5432/postgres`,
        token: SLACK_TOKEN,
        userId: 'U012ABCDEF',
      },
      'calling upstream',
    );
    const [line] = logs.lines();
    expect(line).toMatchObject({
      request: { headers: { authorization: R, apikey: R } },
      attempts: [{ password: R }, { note: `used ${R}` }],
      url: `postgres://opsbot:${R}@db.example:5432/postgres`,
      token: R,
      userId: 'U012ABCDEF',
      msg: 'calling upstream',
    });
  });

  it('redacts credential shapes it was never told about', () => {
    const { logger, logs } = capturedLogger([]);
    logger.warn({ header: `Bearer ${'z'.repeat(24)}` }, `slack said no to ${SLACK_TOKEN}`);
    const [line] = logs.lines();
    expect(line!.msg).toBe(`slack said no to ${R}`);
    expect(line!.header).toBe(`Bearer ${R}`);
  });

  it('serialises `err` with its class name, message and stack, all redacted', () => {
    const { logger, logs } = capturedLogger(SECRETS);
    const err = new UpstreamError(`Cannot connect with key ${ANON_KEY}`);
    logger.error({ err, component: 'database' }, 'health check failed');
    const [line] = logs.lines();
    const e = line!.err as Record<string, unknown>;
    expect(line!.msg).toBe('health check failed');
    expect(e.type).toBe('UpstreamError');
    expect(e.message).toBe(`Cannot connect with key ${R}`);
    expect(e.code).toBe('upstream_unavailable');
    expect(String(e.stack)).toContain(`UpstreamError: Cannot connect with key ${R}`);
    expect(String(e.stack)).toMatch(/\n\s+at /);
    expect(logs.raw()).not.toContain(ANON_KEY);
  });

  it('an Error logged on its own, or under err without a message, does not leak through msg', () => {
    const { logger, logs } = capturedLogger(SECRETS);
    logger.error(new Error(`boom ${ANON_KEY}`));
    logger.error({ err: new Error(`bang ${DB_PASSWORD}`) });
    const lines = logs.lines();
    expect(lines.map((l) => l.msg)).toEqual([`boom ${R}`, `bang ${R}`]);
    expect((lines[0]!.err as Record<string, unknown>).message).toBe(`boom ${R}`);
    expect(logs.raw()).not.toContain(ANON_KEY);
    expect(logs.raw()).not.toContain(DB_PASSWORD);
  });

  it('child loggers keep their bindings and still redact what they log', () => {
    const { logger, logs } = capturedLogger(SECRETS);
    const child = logger.child({ interactionId: 'i-42', userId: 'U1' });
    child.info({ apiKey: 'k-123456' }, `with ${ANON_KEY}`);
    const [line] = logs.lines();
    expect(line).toMatchObject({ interactionId: 'i-42', userId: 'U1', apiKey: R, msg: `with ${R}` });
  });

  it('does not mangle ordinary values', () => {
    const { logger, logs } = capturedLogger(SECRETS);
    const fields = {
      startedAt: '2025-01-15T12:34:56.789Z',
      runId: '3f2b8c1e-9d4a-4e7b-8c2f-1a2b3c4d5e6f',
      duration: '1.25 s',
      appUrl: 'https://app.autorepai.example:8443/',
      count: 42,
    };
    logger.info(fields, 'run 3f2b8c1e-9d4a-4e7b-8c2f-1a2b3c4d5e6f took 00:00:01.250');
    const [line] = logs.lines();
    expect(line).toMatchObject({ ...fields, msg: 'run 3f2b8c1e-9d4a-4e7b-8c2f-1a2b3c4d5e6f took 00:00:01.250' });
  });
});

describe('boltLogger', () => {
  it('routes debug, info, warn and error through pino with component bolt', () => {
    const { logger, logs } = capturedLogger([], 'debug');
    const bolt = boltLogger(logger);
    bolt.setLevel(LogLevel.DEBUG);
    bolt.debug('d', 1);
    bolt.info('i');
    bolt.warn('w', { retry: 2 });
    bolt.error('e');
    expect(logs.lines().map((l) => [l.level, l.component, l.msg])).toEqual([
      ['debug', 'bolt', 'd 1'],
      ['info', 'bolt', 'i'],
      ['warn', 'bolt', 'w {"retry":2}'],
      ['error', 'bolt', 'e'],
    ]);
  });

  it('honours setLevel and reports it through getLevel', () => {
    const { logger, logs } = capturedLogger([], 'debug');
    const bolt = boltLogger(logger);
    bolt.setLevel(LogLevel.ERROR);
    expect(bolt.getLevel()).toBe(LogLevel.ERROR);
    bolt.info('quiet');
    bolt.warn('quiet too');
    bolt.error('loud');
    bolt.setLevel(LogLevel.INFO);
    bolt.debug('still quiet');
    bolt.info('heard');
    expect(logs.lines().map((l) => l.msg)).toEqual(['loud', 'heard']);
  });

  it('setName changes the component and keeps the level', () => {
    const { logger, logs } = capturedLogger([], 'debug');
    const bolt = boltLogger(logger);
    bolt.setLevel(LogLevel.WARN);
    bolt.setName('socket-mode');
    bolt.info('dropped');
    bolt.warn('kept');
    expect(logs.lines().map((l) => [l.component, l.msg])).toEqual([['socket-mode', 'kept']]);
  });

  it('redacts Bolt’s messages and errors', () => {
    const { logger, logs } = capturedLogger(SECRETS, 'debug');
    const bolt = boltLogger(logger);
    bolt.setLevel(LogLevel.DEBUG);
    bolt.debug('http request', { url: 'https://slack.com/api/chat.postMessage', token: SLACK_TOKEN });
    bolt.error('An unhandled error occurred', new Error(`failed with ${ANON_KEY}`));
    bolt.error(new Error(`only an error ${DB_PASSWORD}`));
    const lines = logs.lines();
    expect(lines[0]!.msg).toBe(`http request {"url":"https://slack.com/api/chat.postMessage","token":"${R}"}`);
    expect(lines[1]!.msg).toBe('An unhandled error occurred');
    expect((lines[1]!.err as Record<string, unknown>).message).toBe(`failed with ${R}`);
    expect(lines[2]!.msg).toBe('bolt error');
    expect((lines[2]!.err as Record<string, unknown>).message).toBe(`only an error ${R}`);
    for (const s of [...SECRETS, SLACK_TOKEN]) expect(logs.raw()).not.toContain(s);
  });
});

describe('child loggers and Bolt levels', () => {
  it('redacts child bindings, also for grandchildren', () => {
    const { logger, logs } = capturedLogger(SECRETS);
    const child = logger.child({ interactionId: 'i-9', leaked: `k=${ANON_KEY}` });
    const grandchild = child.child({ token: 'plain-token-value', note: SLACK_TOKEN });
    grandchild.info('step');
    expect(logs.raw()).not.toContain(ANON_KEY);
    expect(logs.raw()).not.toContain('plain-token-value');
    expect(logs.raw()).not.toContain(SLACK_TOKEN);
    expect(logs.lines()[0]).toMatchObject({ interactionId: 'i-9', msg: 'step' });
  });

  it('Bolt can quiet itself but never log more than the root level allows', () => {
    const { logger, logs } = capturedLogger([], 'info');
    const bolt = boltLogger(logger);
    expect(bolt.getLevel()).toBe(LogLevel.INFO);
    bolt.setLevel(LogLevel.WARN);
    bolt.info('quieted');
    bolt.warn('kept');
    bolt.setLevel(LogLevel.DEBUG);
    bolt.debug('below LOG_LEVEL');
    expect(logs.lines().map((l) => l.msg)).toEqual(['kept']);
  });
});
