import { describe, expect, it } from 'vitest';
import { createLogRedactor } from '../../../src/logs/redact.js';
import { CLEAN_LINES, CORPUS, leaks } from '../../fixtures/logs/redaction-corpus.js';

describe('log redaction corpus', () => {
  it('covers at least 120 items of every kind, each in plain text, JSON and a URL', () => {
    expect(CORPUS.length).toBeGreaterThanOrEqual(120);
    const kinds = new Set(CORPUS.map((i) => i.kind));
    for (const k of [
      'email', 'phone', 'jwt', 'slack', 'supabase', 'google', 'stripe', 'aws', 'github', 'bearer', 'url-password', 'kv-password', 'card', 'ip',
      'authorization', 'passphrase', 'sendgrid', 'twilio', 'discord', 'webhook', 'gitlab', 'npm', 'mailgun', 'ssn', 'iban', 'private-key',
    ] as const) {
      expect(kinds.has(k), k).toBe(true);
    }
    for (const item of CORPUS) {
      expect(item.lines.some((l) => l.startsWith('{')), `${item.kind} in JSON`).toBe(true);
      expect(item.lines.some((l) => /[a-z][a-z0-9+.-]*:\/\//.test(l)), `${item.kind} in a URL`).toBe(true);
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

describe('redaction by context', () => {
  const r = createLogRedactor();

  it.each([
    ['Authorization: Token 9f8e7d6c5b4a39281706 (attempt 1)', 'Authorization: Token <TOKEN> (attempt 1)'],
    ['Proxy-Authorization: Basic dXNlcjpwYXNzd29yZA==', 'Proxy-Authorization: Basic <TOKEN>'],
    ['authorization: Digest username="ops", realm="api", nonce="abc123", response="6629fae49393a05397450978507c4ef1", opaque="5ccc"', 'authorization: Digest <TOKEN>'],
    ['{"authorization":"Digest username=\\"ops\\", response=\\"6629fae4\\""}', '{"authorization":"Digest <TOKEN>"}'],
    ['curl -H "Authorization: Negotiate YIIGhgYJKoZIhvcSAQICAQBuggZ1MIIGcaADAgEF" https://x.example', 'curl -H "Authorization: Negotiate <TOKEN>" https://x.example'],
    ["headers=['Authorization: SSWS 00aBcD-eFgH_1234'] sent", "headers=['Authorization: SSWS <TOKEN>'] sent"],
    ['Authorization: Custom k9f8e7d6c5 (retry)', 'Authorization: <TOKEN> (retry)'],
    ['authorization=abc123XYZ user=maria result=denied', 'authorization=<TOKEN> user=maria result=denied'],
  ])('%s', (line, want) => {
    expect(r.redact(line)).toBe(want);
  });

  it('keeps the scheme but drops every parameter of a signature header', () => {
    const aws = 'Authorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260520/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=fe5f80f77d5fa3beca03';
    expect(r.redact(aws)).toBe('Authorization: AWS4-HMAC-SHA256 <TOKEN>');
  });

  it('redacts values of keys named like secrets in key=value, key: value, JSON, query, flag and XML forms', () => {
    expect(r.redact('passphrase=correct horse battery staple user=maria')).toBe('passphrase=<SECRET> user=maria');
    expect(r.redact('ssh_passphrase: "open sesame"')).toBe('ssh_passphrase: "<SECRET>"');
    expect(r.redact('DB_PASS=hunter2 db=app')).toBe('DB_PASS=<SECRET> db=app');
    expect(r.redact('{"client_secret": "abc-123-def"}')).toBe('{"client_secret": "<SECRET>"}');
    expect(r.redact('GET /cb?x=1&api_key=Zx81kk&y=2')).toBe('GET /cb?x=1&api_key=<SECRET>&y=2');
    expect(r.redact('pg_dump --password s3cret --host db')).toBe('pg_dump --password <SECRET> --host db');
    expect(r.redact('<ApiKey>Zx81kkQ</ApiKey>')).toBe('<ApiKey><SECRET></ApiKey>');
    expect(r.redact('aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')).toBe('aws_secret_access_key = <SECRET>');
  });

  it('recognises vendor shapes and personal numbers', () => {
    const sendgrid = ['SG', 'abcdefghijklmnopqrstuv', 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopq'].join('.');
    expect(r.redact(`mail via ${sendgrid} failed`)).toBe('mail via <API_KEY> failed');
    expect(r.redact(`twilio ${['S', 'K'].join('')}0123456789abcdef0123456789abcdef`)).toBe('twilio <API_KEY>');
    expect(r.redact('POST https://discord.com/api/webhooks/123456789012345678/abcDEF_ghi-JKL 204')).toBe('POST https://<WEBHOOK> 204');
    expect(r.redact('applicant SSN 123-45-6789 ok')).toBe('applicant SSN <SSN> ok');
    expect(r.redact('{"ssn":"123456789"}')).toBe('{"ssn":"<SSN>"}');
    expect(r.redact('to DE89370400440532013000 and GB82 WEST 1234 5698 7654 32.')).toBe('to <IBAN> and <IBAN>.');
  });

  it('keeps numbers that only look like an SSN or an IBAN', () => {
    // 000/666/9xx areas and 00 groups are never issued; a wrong mod-97 check is no IBAN.
    for (const line of ['ids 000-12-3456 666-12-3456 912-34-5678 123-00-4567', 'ref DE89370400440532013001', 'on 2026-05-20 build 123-456']) {
      expect(r.redact(line)).toBe(line);
    }
  });

  it('removes a whole private key block inside one text, also without its END marker', () => {
    const pem = '-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmU=\n-----END OPENSSH PRIVATE KEY-----';
    expect(r.redact(`key=${JSON.stringify(pem)} loaded`)).toBe('key="<PRIVATE_KEY>" loaded');
    expect(r.redact(`loaded ${pem} ok`)).toBe('loaded <PRIVATE_KEY> ok');
    expect(r.redact('pem=-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIBcd (truncated')).toBe('pem=<PRIVATE_KEY>');
  });
});
