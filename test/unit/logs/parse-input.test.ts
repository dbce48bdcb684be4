import { describe, expect, it } from 'vitest';
import { normalizeLevel, parseLine, recordFromJson, toEpochMs } from '../../../src/logs/parse-input.js';
import { AUTH_SET, EDGE_SET, labelledSet } from '../../fixtures/logs/supabase-sets.js';

const T = Date.UTC(2026, 4, 20, 9, 0, 0);

describe('parseLine: plain text', () => {
  it('takes the time and level off Postgres lines and keeps the message', () => {
    const r = parseLine('2026-05-20 09:00:00.123 UTC [12345] authenticator@postgres ERROR:  canceling statement due to statement timeout', 1);
    expect(r).toEqual({ lineNo: 1, timestamp: T + 123, level: 'error', message: 'canceling statement due to statement timeout' });
  });

  it('reads ISO, syslog and bracketed timestamps and leading levels', () => {
    expect(parseLine('2026-05-20T09:00:00Z WARN disk almost full', 2)).toMatchObject({ timestamp: T, level: 'warn', message: 'disk almost full' });
    expect(parseLine('[2026-05-20 09:00:00,500] [info] worker started', 3)).toMatchObject({ timestamp: T + 500, level: 'info', message: 'worker started' });
    // Syslog has no year: the header is removed, no time is invented.
    const s = parseLine('Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186', 4);
    expect(s.message).toBe('Invalid user webmaster from 173.234.31.186');
    expect(s.timestamp).toBeUndefined();
  });

  it('does not take an ordinary first word for a level', () => {
    expect(parseLine('Log rotation finished', 5)).toMatchObject({ level: 'unknown', message: 'Log rotation finished' });
    expect(parseLine('Error budget spent for the week', 6)).toMatchObject({ message: 'Error budget spent for the week' });
    expect(parseLine('2 INFO messages were dropped', 7)).toMatchObject({ message: '2 INFO messages were dropped' });
  });

  it('keeps the first words of ordinary messages that only look like headers', () => {
    const cases: [string, string][] = [
      ['2024-05-01 10:00:00 ERROR TypeError: x is not a function', 'TypeError: x is not a function'],
      ['2024-05-01 10:00:00 ERROR java.lang.NullPointerException: boom', 'java.lang.NullPointerException: boom'],
      ['2024-05-01 10:00:00 ERROR getUser: not found', 'getUser: not found'],
      ['2024-05-01 10:00:00 ERROR db.example.com: connection refused', 'db.example.com: connection refused'],
      ['2024-05-01 10:00:00 Error connecting to database', 'Error connecting to database'],
      ['Job 42 scheduled for Jun 14 15:16:01 UTC by cron', 'Job 42 scheduled for Jun 14 15:16:01 UTC by cron'],
      ['User 7 logged in at Jun 14 15:16:01 from office', 'User 7 logged in at Jun 14 15:16:01 from office'],
      ['v1.2|v1.3|v1.4 released today', 'v1.2|v1.3|v1.4 released today'],
    ];
    for (const [line, message] of cases) expect(parseLine(line, 1).message).toBe(message);
  });

  it('keeps a line that is only a header, so it still counts', () => {
    expect(parseLine('081109 203615 148 ERROR ', 1)).toMatchObject({ level: 'error', message: '081109 203615 148 ERROR ' });
    expect(parseLine('20171223-22:15:29:606|Step_LSC|30002312|', 1).message).toBe('20171223-22:15:29:606|Step_LSC|30002312|');
  });

  // Headers of common Java, Android, syslog-relay and pipe-separated formats: the message mined
  // for templates is what follows the header, the level, and the logger's name.
  it.each([
    ['081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_3886 terminating', 'info', 'PacketResponder 1 for block blk_3886 terminating'],
    ['17/06/09 20:10:40 INFO executor.Executor: Finished task 0.0 in stage 1.0 (TID 8)', 'info', 'Finished task 0.0 in stage 1.0 (TID 8)'],
    ['2015-10-18 18:01:47,978 INFO [IPC Server handler 3 on 9000] org.apache.hadoop.ipc.Server: Created MRAppMaster', 'info', 'Created MRAppMaster'],
    ['2015-07-29 17:41:44,747 - WARN  [QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181:FastLeaderElection@774] - Notification time out: 3200', 'warn', 'Notification time out: 3200'],
    ['03-17 16:13:38.811  1702  2395 D WindowManager: printFreezingDisplayLogs opening app', 'debug', 'printFreezingDisplayLogs opening app'],
    ['- 1117838570 2005.06.03 R02-M1-N0-C:J12-U11 2005-06-03-15.42.50.675872 R02-M1-N0-C:J12-U11 RAS KERNEL INFO instruction cache parity error corrected', 'info', 'instruction cache parity error corrected'],
    ['- 1131566461 2005.11.09 dn228 Nov 9 12:01:01 dn228/dn228 crond(pam_unix)[2915]: session closed for user root', 'unknown', 'session closed for user root'],
    ['20171223-22:15:29:606|Step_LSC|30002312|onStandStepChanged 3579', 'unknown', 'onStandStepChanged 3579'],
    ['nova-api.log.1.2017-05-16_13:53:08 2017-05-16 00:00:00.008 25746 INFO nova.osapi_compute.wsgi.server [req-38101a0b 113d3a99 - - -] 10.11.10.1 "GET /v2/servers HTTP/1.1" status: 200', 'info', '10.11.10.1 "GET /v2/servers HTTP/1.1" status: 200'],
    ['2016-09-28 04:30:30, Info                  CBS    Loaded Servicing Stack v6.1.7601.23505', 'info', 'CBS    Loaded Servicing Stack v6.1.7601.23505'],
  ])('%s', (line, level, message) => {
    expect(parseLine(line, 1)).toMatchObject({ level, message });
  });
});

describe('parseLine: JSON lines', () => {
  it('reads Supabase edge rows: event_message, timestamp in µs, level in metadata', () => {
    const row = { id: 'x', timestamp: T * 1000, event_message: 'AI gateway returned 429', metadata: [{ level: 'error', event_type: 'Log' }] };
    expect(parseLine(JSON.stringify(row), 1)).toEqual({ lineNo: 1, timestamp: T, level: 'error', message: 'AI gateway returned 429' });
  });

  it('derives the level of HTTP rows from the status code', () => {
    const row = { timestamp: T * 1000, event_message: 'POST | 504 | https://ref.supabase.co/functions/v1/ai-chat', metadata: [{ response: [{ status_code: 504 }] }] };
    expect(parseLine(JSON.stringify(row), 1).level).toBe('error');
  });

  it('opens GoTrue JSON inside event_message and keeps method, path, status for examples', () => {
    const inner = { level: 'info', method: 'POST', path: '/token', status: 400, msg: 'request completed', time: '2026-05-20T09:00:01Z' };
    const row = { timestamp: T * 1000, event_message: JSON.stringify(inner), metadata: [{ level: 'info' }] };
    expect(parseLine(JSON.stringify(row), 7)).toEqual({ lineNo: 7, timestamp: T, level: 'info', message: 'request completed', detail: 'method=POST path=/token status=400' });
  });

  it('reads pino/bunyan numeric levels, ClickHouse severity_text and string timestamps', () => {
    expect(parseLine('{"level":50,"time":1779267600000,"msg":"boom"}', 1)).toMatchObject({ level: 'error', message: 'boom', timestamp: T });
    expect(parseLine('{"timestamp":"2026-05-20 09:00:00.000000","event_message":"x","severity_text":"WARNING"}', 1)).toMatchObject({ level: 'warn', timestamp: T });
  });

  it('falls back to the whole object (without its time) when there is no message field', () => {
    expect(parseLine('{"ts":1,"a":1}', 1).message).toBe('{"a":1}');
    expect(parseLine('{not json', 1).message).toBe('{not json');
  });
});

describe('toEpochMs', () => {
  it('understands seconds, milliseconds, microseconds, nanoseconds and zoned text', () => {
    const s = T / 1000;
    expect([toEpochMs(s), toEpochMs(T), toEpochMs(T * 1000), toEpochMs(T * 1e6)]).toEqual([T, T, T, T]);
    expect(toEpochMs('2026-05-20T11:00:00+02:00')).toBe(T);
    expect(toEpochMs('nope')).toBeUndefined();
  });

  it('reads consecutive times of the same second exactly (they share a cache)', () => {
    expect(toEpochMs('2026-05-20 09:00:00.100 UTC')).toBe(T + 100);
    expect(toEpochMs('2026-05-20 09:00:00.250 UTC')).toBe(T + 250);
    expect(toEpochMs('2026-05-20 09:00:00.250+01:00')).toBe(T + 250 - 3_600_000);
    expect(toEpochMs('2026-05-20 09:00:00')).toBe(T);
    expect(toEpochMs('2026-05-20 09:00:00.9')).toBe(T + 900);
  });
});

describe('times of consecutive lines', () => {
  it('a line gets the same time whatever line came before it (worker threads see different ones)', () => {
    const first = '{"msg":"job started","time":"2024-05-01 10:00:00.123 EST"}';
    const next = '{"msg":"job step 2 done","time":"2024-05-01 10:00:00,456 EST"}';
    const alone = parseLine(next, 2).timestamp;
    parseLine(first, 1);
    expect(parseLine(next, 2).timestamp).toBe(alone);
    const utc = ['2026-05-20 09:00:00.100 UTC', '2026-05-20 09:00:00.250 UTC', '2026-05-20 09:00:00,999 UTC'];
    const fresh = utc.map((t) => toEpochMs(t));
    expect(utc.map((t) => toEpochMs(t))).toEqual(fresh);
    expect(fresh).toEqual([T + 100, T + 250, T + 999]);
  });
});

describe('normalizeLevel', () => {
  it('knows level names in any case and nothing inherited from Object', () => {
    expect([normalizeLevel('WARNING'), normalizeLevel('Err'), normalizeLevel(50), normalizeLevel('constructor'), normalizeLevel('__proto__')]).toEqual([
      'warn',
      'error',
      'error',
      undefined,
      undefined,
    ]);
  });
});

describe('Supabase rows read without decoding the whole object', () => {
  it('give the same record as the full JSON parse', () => {
    const rows = [
      ...labelledSet(EDGE_SET, 300).lines,
      // GoTrue: JSON inside event_message, with msg, level, time and notable fields.
      ...labelledSet(AUTH_SET, 300).lines.filter((l) => l.includes('"event_message":"{')),
      JSON.stringify({ id: '2', timestamp: T * 1000, event_message: JSON.stringify({ msg: 'quote " and \\ and \n inside', level: 'warn', error: 'x' }), metadata: [{}] }),
      JSON.stringify({ id: '3', timestamp: T * 1000, event_message: JSON.stringify({ msg: 'no level here', status: 502 }), metadata: [{ response: [{ status_code: 502 }] }] }),
      JSON.stringify({ id: '4', timestamp: T * 1000, event_message: '{not json', metadata: [{ level: 'info' }] }),
      JSON.stringify({ id: '1', timestamp: T * 1000, event_message: 'TypeError: Cannot read "content" of undefined\n  at handler (index.ts:12)', metadata: [{ level: 'error' }] }),
      JSON.stringify({ event_message: 'plain ünïcödé ✓', timestamp: T * 1000 }),
    ];
    expect(rows.filter((l) => l.includes('"event_message":"{')).length).toBeGreaterThan(100);
    for (const line of rows) {
      const full = recordFromJson(JSON.parse(line) as Record<string, unknown>, 1);
      expect(parseLine(line, 1), line).toEqual(full);
    }
  });
});
