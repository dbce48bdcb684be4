// The strict Prometheus text parser behind /health db: a recorded Supabase scrape parses whole,
// and anything that is not the format fails with its line number instead of a wrong number.
import { describe, expect, it } from 'vitest';
import { parsePrometheusText, PromParseError, samplesOf } from '../../src/health/prometheus.js';
import { BOOT_CORES, metricsScrape } from '../fixtures/supabase-platform.js';

describe('Prometheus text format', () => {
  it('parses a recorded Supabase scrape: every family, labels, types, scientific notation', () => {
    const exp = parsePrometheusText(metricsScrape(BOOT_CORES));
    expect(samplesOf(exp, 'node_cpu_seconds_total')).toHaveLength(16);
    expect(samplesOf(exp, 'node_cpu_seconds_total', { cpu: '1', mode: 'idle' })[0]!.value).toBe(811_002.88);
    expect(samplesOf(exp, 'node_filesystem_size_bytes', { mountpoint: '/' })[0]!.value).toBe(10_434_662_000);
    expect(samplesOf(exp, 'node_cpu_seconds_total')[0]!.labels).toMatchObject({ service_type: 'db', supabase_project_ref: 'abcdefghijklmnopqrst' });
    expect(exp.types.get('node_cpu_seconds_total')).toBe('counter');
    expect(exp.types.get('db_sql_connection_wait_seconds')).toBe('histogram');
    expect(samplesOf(exp, 'db_sql_connection_wait_seconds_bucket', { le: '+Inf' })[0]!.value).toBe(12);
  });

  it('reads escapes in label values, special values, timestamps, a trailing comma and CRLF', () => {
    const exp = parsePrometheusText(
      ['# a free comment', 'x{path="C:\\\\dir",msg="say \\"hi\\"\\nbye",} 1 1700000000000\r', 'y NaN', 'z{a="1"} +Inf', 'w -Inf', 'v -1.5e-3', '  indented 7'].join('\n'),
    );
    const x = samplesOf(exp, 'x')[0]!;
    expect(x.labels).toEqual({ path: 'C:\\dir', msg: 'say "hi"\nbye' });
    expect(x.timestampMs).toBe(1_700_000_000_000);
    expect(Number.isNaN(samplesOf(exp, 'y')[0]!.value)).toBe(true);
    expect(samplesOf(exp, 'z')[0]!.value).toBe(Infinity);
    expect(samplesOf(exp, 'w')[0]!.value).toBe(-Infinity);
    expect(samplesOf(exp, 'v')[0]!.value).toBe(-0.0015);
    expect(samplesOf(exp, 'indented')[0]!.value).toBe(7);
  });

  it.each([
    ['a value that is not a number', 'x 12abc', /line 1: "12abc" is not a sample value/],
    ['hex, which Number() would take', 'x 0x10', /not a sample value/],
    ['no value', 'ok 1\nx{a="1"}', /line 2: no value for x/],
    ['an unterminated label value', 'x{a="1} 2', /unterminated value of label a/],
    ['an unquoted label value', 'x{a=1} 2', /expected a quoted value for label a/],
    ['a bad escape', 'x{a="\\t"} 2', /invalid escape \\t/],
    ['a duplicate label', 'x{a="1",a="2"} 2', /label a appears twice/],
    ['text after the timestamp', 'x 1 2 3', /unexpected text after the value/],
    ['a bad timestamp', 'x 1 soon', /"soon" is not a timestamp/],
    ['an unknown TYPE', '# TYPE x meter', /unknown metric type "meter"/],
    ['a second TYPE line', '# TYPE x gauge\n# TYPE x gauge', /line 2: second TYPE line for x/],
    ['an HTML error page', '<html><body>502 Bad Gateway</body></html>', /line 1: expected a metric name/],
  ])('refuses %s', (_name, text, message) => {
    expect(() => parsePrometheusText(text)).toThrow(PromParseError);
    expect(() => parsePrometheusText(text)).toThrow(message);
  });

  it('an empty body is an empty exposition, not an error (the caller says what is missing)', () => {
    expect(parsePrometheusText('').samples).toEqual([]);
  });
});
