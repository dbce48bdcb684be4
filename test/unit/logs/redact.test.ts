import { describe, expect, it } from 'vitest';
import { createLogRedactor } from '../../../src/logs/redact.js';
import { CLEAN_LINES, CORPUS, leaks } from '../../fixtures/logs/redaction-corpus.js';

describe('log redaction corpus', () => {
  it('covers at least 60 items of every kind, each in plain text, JSON and a URL', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(60);
    const kinds = new Set(CORPUS.map((i) => i.kind));
    for (const k of ['email', 'phone', 'jwt', 'slack', 'supabase', 'google', 'stripe', 'aws', 'bearer', 'url-password', 'kv-password', 'card', 'ip'] as const) {
      expect(kinds.has(k), k).toBe(true);
    }
    for (const item of CORPUS) {
      expect(item.lines.some((l) => l.startsWith('{')), `${item.kind} in JSON`).toBe(true);
      expect(item.lines.some((l) => /https?:\/\/|wss:\/\/|postgres:\/\//.test(l)), `${item.kind} in a URL`).toBe(true);
      // The value really is in the line (so the test can fail).
      for (const l of item.lines) expect(leaks(l).length, l).toBeGreaterThan(0);
    }
  });

  it('leaves no secret or personal datum readable in any corpus line', () => {
    const redactor = createLogRedactor();
    const survivors = CORPUS.flatMap((item) => item.lines.flatMap((l) => leaks(redactor.redact(l)).map((leak) => `${leak} in ${redactor.redact(l)}`)));
    expect(survivors).toEqual([]);
  });

  it('uses typed placeholders, so lines still group by template', () => {
    const r = createLogRedactor();
    expect(r.redact('Follow-up email queued for maria.lopez@gmail.com')).toBe('Follow-up email queued for <EMAIL>');
    expect(r.redact('connection received: host=203.0.113.42 port=5432')).toBe('connection received: host=<IP> port=5432');
    expect(r.redact('could not connect to postgres://postgres:Sup3r-S3cret!pw@db.ref.supabase.co:5432/postgres')).toBe(
      'could not connect to postgres://postgres:<PASSWORD>@db.ref.supabase.co:5432/postgres',
    );
    expect(r.redact('payment declined for card 4111 1111 1111 1111')).toBe('payment declined for card <CARD>');
    expect(r.redact('{"password":"hunter22","user":"maria"}')).toBe('{"password":"<SECRET>","user":"maria"}');
  });

  it('does not mangle timestamps, durations, versions, row uuids or ordinary words', () => {
    const r = createLogRedactor();
    for (const line of CLEAN_LINES) expect(r.redact(line)).toBe(line);
  });

  it('leaves card-length numbers that fail the Luhn check or have no card prefix', () => {
    const r = createLogRedactor();
    expect(r.redact('order 4111111111111112 id 1779268320123456')).toBe('order 4111111111111112 id 1779268320123456');
  });

  it('keeps IP addresses when IP redaction is switched off', () => {
    expect(createLogRedactor({ ips: false }).redact('from 203.0.113.42 user a@b.co')).toBe('from 203.0.113.42 user <EMAIL>');
  });

  it('removes known secret values wherever they appear', () => {
    const r = createLogRedactor({ knownSecrets: ['plain-looking-value-123'] });
    expect(r.redact('x plain-looking-value-123 y')).toBe('x <SECRET> y');
  });
});
