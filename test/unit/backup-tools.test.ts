// The client-tool plumbing: versions, the password kept off the command line, the pooler
// refused, and the archive's table of contents read from `pg_restore --list`.
import { describe, expect, it } from 'vitest';
import { refuseTransactionPooler, toolConnection, withDatabase } from '../../src/backup/conn.js';
import { exitReason, parseToc, parseToolVersion, serverMajor, toolEnv } from '../../src/backup/pg-tools.js';
import { fill, integer, qualified } from '../../src/backup/sql-fill.js';

describe('versions', () => {
  it('reads pg_dump --version output and server_version_num', () => {
    expect(parseToolVersion('pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)\n')).toEqual({ version: '15.20', major: 15 });
    expect(parseToolVersion('pg_dump (PostgreSQL) 18beta1')).toEqual({ version: '18beta1', major: 18 });
    expect(parseToolVersion('command not found')).toBeUndefined();
    expect(serverMajor(170004)).toBe(17);
  });
});

describe('connections for the client tools', () => {
  it('takes the password out of the URL (also a percent-encoded one, and ?password=) and puts it in PGPASSWORD', () => {
    const c = toolConnection('postgresql://opsbot:p%40ss%3Aword@db.ref.supabase.co:5432/postgres?sslmode=require');
    expect(c.url).toBe('postgresql://opsbot@db.ref.supabase.co:5432/postgres?sslmode=require');
    expect(c.password).toBe('p@ss:word');
    expect(c).toMatchObject({ host: 'db.ref.supabase.co', port: '5432', database: 'postgres' });
    const q = toolConnection('postgres://opsbot@localhost/app?password=hunter22&application_name=x');
    expect(q.url).not.toContain('hunter22');
    expect(q.password).toBe('hunter22');
    const env = toolEnv(c, 'opsbot/backup', '/usr/bin');
    expect(env).toEqual({ PATH: '/usr/bin', PGAPPNAME: 'opsbot/backup', PGCONNECT_TIMEOUT: '10', LC_MESSAGES: 'C', PGPASSWORD: 'p@ss:word' });
    expect(toolEnv(toolConnection('postgres://localhost/app'), 'x', '/bin')).not.toHaveProperty('PGPASSWORD');
    expect(withDatabase('postgres://u:p@h:5432/postgres?sslmode=require', 'opsbot_verify_1')).toBe('postgres://u:p@h:5432/opsbot_verify_1?sslmode=require');
  });

  it('refuses the Supavisor transaction pooler, where snapshots do not survive', () => {
    expect(() => refuseTransactionPooler('postgres://u:p@aws-0-eu.pooler.supabase.com:6543/postgres', 'BACKUP_DATABASE_URL')).toThrow(
      /BACKUP_DATABASE_URL points at the transaction pooler \(port 6543\).*session-mode pooler/,
    );
    expect(() => refuseTransactionPooler('postgres://u:p@aws-0-eu.pooler.supabase.com:5432/postgres', 'X')).not.toThrow();
  });
});

describe('pg_restore --list', () => {
  const list = `;
; Archive created at 2026-11-25 21:49:53 UTC
;     Format: CUSTOM
;
6; 2615 112910 SCHEMA - auth postgres
221; 1259 112969 TABLE auth audit_log_entries postgres
3485; 0 112969 TABLE DATA auth audit_log_entries postgres
3493; 0 113101 TABLE DATA public interactions postgres
3494; 0 113102 TABLE DATA public my table supabase_admin
3504; 0 0 SEQUENCE SET public interactions_id_seq postgres
`;
  it('counts entries and names the tables with data and the sequences set', () => {
    const toc = parseToc(list);
    expect(toc.entries).toBe(6);
    expect(toc.tableData).toEqual(['auth.audit_log_entries', 'public.interactions', 'public.my table']);
    expect(toc.sequenceSet).toEqual(['public.interactions_id_seq']);
    expect(toc.lines).toHaveLength(6);
  });

  it('says why a tool stopped', () => {
    expect(exitReason('pg_dump', { code: null, signal: 'SIGKILL' }, '')).toBe('pg_dump was killed (SIGKILL) before it finished');
    expect(exitReason('pg_dump', { code: 1, signal: null }, 'pg_dump: error: aborting because of server version mismatch\n')).toBe(
      'pg_dump exited with code 1: pg_dump: error: aborting because of server version mismatch',
    );
  });
});

describe('SQL fragments', () => {
  it('escapes identifiers and refuses anything but integers', () => {
    expect(qualified({ schema: 'public', name: 'odd"name' })).toBe('"public"."odd""name"');
    expect(fill('SELECT count(*) FROM {{table}}', { table: qualified({ schema: 'a', name: 'b' }) })).toBe('SELECT count(*) FROM "a"."b"');
    expect(() => fill('{{missing}}', {})).toThrow(/missing SQL fragment/);
    expect(integer('-12345678901234567890')).toBe('-12345678901234567890');
    expect(() => integer('1; DROP TABLE x')).toThrow(/not an integer/);
  });
});
