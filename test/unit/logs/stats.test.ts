import { describe, expect, it } from 'vitest';
import { analyzeLines } from '../../../src/logs/analyze.js';
import { findSpike, MINUTE_MS } from '../../../src/logs/stats.js';

const T = Date.UTC(2026, 4, 20, 9, 0, 0);
const at = (min: number, sec = 0) => new Date(T + min * MINUTE_MS + sec * 1000).toISOString();

/** 30 minutes of steady traffic, and a burst of gateway errors in minute 20. */
function incidentLines(): string[] {
  const lines: string[] = [];
  for (let m = 0; m < 30; m++) {
    for (let i = 0; i < 10; i++) lines.push(`${at(m, i)} INFO request completed in ${10 + i}ms for user u${i}@example.com`);
    lines.push(`${at(m, 30)} ERROR AI gateway returned 429 for conversation c-${m}`);
    if (m === 20) for (let i = 0; i < 40; i++) lines.push(`${at(m, 31)} ERROR AI gateway returned 429 for conversation c-${m}-${i}`);
    if (m >= 25) lines.push(`${at(m, 40)} ERROR connection refused by db at 10.0.0.${m}`);
  }
  return lines;
}

describe('log statistics', () => {
  it('counts per template with first/last seen, level, per-minute histogram and error share', async () => {
    const a = await analyzeLines(incidentLines());
    expect(a.totalLines).toBe(300 + 30 + 40 + 5);
    const gw = a.templates.find((t) => t.template.startsWith('AI gateway'))!;
    expect(gw).toMatchObject({ count: 70, level: 'error', errorCount: 70, firstSeen: T + 30_000, lastSeen: T + 29 * MINUTE_MS + 30_000 });
    expect(gw.perMinute.find(([m]) => m === T + 20 * MINUTE_MS)?.[1]).toBe(41);
    expect(a.errorLines).toBe(75);
    expect(a.errorShare).toBeCloseTo(75 / 375);
    expect(a.window).toEqual({ start: T, end: T + 29 * MINUTE_MS + 40_000 });
    expect(a.perMinute).toHaveLength(30);
  });

  it('flags the burst as a spike against the template baseline, and a late template as new', async () => {
    const a = await analyzeLines(incidentLines());
    const gw = a.templates.find((t) => t.template.startsWith('AI gateway'))!;
    expect(gw.spike).toEqual({ minute: T + 20 * MINUTE_MS, count: 41, baseline: 1, factor: 41 });
    const steady = a.templates.find((t) => t.template.startsWith('request completed'))!;
    expect(steady.spike).toBeUndefined();
    const db = a.templates.find((t) => t.template.startsWith('connection refused'))!;
    expect(db.isNew).toBe(true);
    expect(steady.isNew).toBe(false);
  });

  it('keeps at most three distinct, redacted examples per template', async () => {
    const a = await analyzeLines(incidentLines());
    const steady = a.templates.find((t) => t.template.startsWith('request completed'))!;
    expect(steady.examples).toHaveLength(3);
    for (const e of steady.examples) expect(e).toMatch(/^request completed in <?\d+ms for user <EMAIL>$/);
    expect(JSON.stringify(a)).not.toContain('@example.com');
  });

  it('finds examples among many identical lines, and tells a message with a NUL from one with a detail', async () => {
    const same = Array.from({ length: 500 }, () => '{"msg":"user login failed x","error":"boom"}');
    const a = await analyzeLines([...same, '{"msg":"user login failed x\\u0000error=boom"}', '{"msg":"user login failed y","error":"bang"}']);
    const t = a.templates.find((x) => x.template.startsWith('user login failed'))!;
    expect(t.examples).toEqual(['user login failed x error=boom', 'user login failed x\u0000error=boom', 'user login failed y error=bang']);
  });

  it('has no timeline when lines carry no time', async () => {
    const a = await analyzeLines(['plain line one', 'plain line two']);
    expect(a.window).toBeUndefined();
    expect(a.templates[0]!.perMinute).toEqual([]);
  });

  it('does not call a steady template a spike', () => {
    const per: [number, number][] = Array.from({ length: 30 }, (_, i) => [T + i * MINUTE_MS, 20 + (i % 3)]);
    expect(findSpike(per, { start: T, end: T + 29 * MINUTE_MS })).toBeUndefined();
  });
});
