// Each area owns its settings: every variable is declared once, says what it is for, and its
// default and example are valid values by its own rule, so the generated documentation never
// shows an operator something the bot would refuse.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfig, SETTING_AREAS, SETTINGS, type SettingName } from '../../src/app/config.js';
import { areaDoc, composeAreas, int, parseArea, setting, settingDoc, settingsArea } from '../../src/core/env-schema.js';
import { ConfigError } from '../../src/core/errors.js';
import { DEFAULT_DIAGNOSTICS_THRESHOLDS } from '../../src/diagnostics/settings.js';
import { DEFAULT_HEALTH_THRESHOLDS } from '../../src/health/settings.js';

const fields = SETTING_AREAS.flatMap((area) => Object.entries(area.shape).map(([key, field]) => ({ area: areaDoc(area).title, key, field: field as z.ZodType })));

const MINIMAL = { DATABASE_URL: 'postgres://u:pw-1234@db.example:5432/postgres' };

describe('settings owned by each area', () => {
  it('every area has a title and a line about it, and at least one setting', () => {
    for (const area of SETTING_AREAS) {
      const { title, about } = areaDoc(area);
      expect(title).toMatch(/^[A-Z]/);
      expect(about.length, title).toBeGreaterThan(20);
      expect(Object.keys(area.shape).length, title).toBeGreaterThan(0);
    }
  });

  it('no variable is declared by two areas, and the composed list is exactly the areas', () => {
    const keys = fields.map((f) => f.key);
    expect(new Set(keys).size).toBe(keys.length);
    expect(Object.keys(SETTINGS).sort()).toEqual([...keys].sort());
  });

  it('composing two areas that declare the same variable fails loudly instead of keeping one rule', () => {
    const a = settingsArea('A', 'first area of the test', { X_SETTING: setting(int(0, 9), { doc: 'one rule', default: '1' }) });
    const b = settingsArea('B', 'second area of the test', { X_SETTING: setting(int(0, 5), { doc: 'another rule', default: '2' }) });
    expect(() => composeAreas([a, b])).toThrow(/X_SETTING is declared by both A and B/);
  });

  it.each(fields.map((f) => [f.key, f.area, f.field] as const))('%s (%s) says what it is for and has a default or an example', (key, _area, field) => {
    const s = settingDoc(field);
    expect(s.doc.length, key).toBeGreaterThan(10);
    expect(s.doc, key).not.toMatch(/\.$/);
    expect(s.default !== undefined || s.example !== undefined, key).toBe(true);
  });

  it.each(fields.map((f) => [f.key, f.field] as const))('%s: its default and (unless secret) its example pass its own rule', (key, field) => {
    const s = settingDoc(field);
    if (s.default !== undefined) expect(field.safeParse(s.default).success, `default ${s.default}`).toBe(true);
    if (s.example !== undefined && !s.secret) {
      const r = field.safeParse(s.example);
      expect(r.success, `example ${s.example}: ${r.error?.issues[0]?.message ?? ''}`).toBe(true);
    }
  });

  it('the default written in the documentation is the value the bot uses when the variable is unset', () => {
    // Parsing the documented default explicitly must give the same configuration as leaving it out.
    const unset = loadConfig(MINIMAL, 'cli', ['DATABASE_URL']);
    const explicit: Record<string, string> = { ...MINIMAL };
    for (const [key, s] of Object.entries(SETTINGS)) if (s.default !== undefined) explicit[key] = s.default;
    expect(loadConfig(explicit, 'cli', ['DATABASE_URL'])).toEqual(unset);
  });

  it('the services fall back to the same defaults the settings have', () => {
    const cfg = loadConfig(MINIMAL, 'cli', ['DATABASE_URL']);
    expect(DEFAULT_HEALTH_THRESHOLDS).toEqual(cfg.thresholds);
    expect(DEFAULT_DIAGNOSTICS_THRESHOLDS).toMatchObject(cfg.diagnostics);
    expect(DEFAULT_DIAGNOSTICS_THRESHOLDS).toMatchObject({ connectionsWarn: 40, connectionsCritical: 50, idleInTransactionSeconds: 60, cacheHitWarnPct: 99 });
  });

  it('only the settings holding credentials are secret, and each of them is', () => {
    const secret = (Object.keys(SETTINGS) as SettingName[]).filter((k) => SETTINGS[k].secret);
    for (const k of secret) expect(k).toMatch(/TOKEN|SECRET|KEY|URL/);
    for (const k of ['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET', 'SLACK_APP_TOKEN', 'DATABASE_URL', 'DATABASE_ADMIN_URL', 'STATE_DATABASE_URL', 'SUPABASE_ANON_KEY', 'SUPABASE_SERVICE_ROLE_KEY', 'GEMINI_API_KEY', 'SUPABASE_ACCESS_TOKEN', 'BACKUP_SUPABASE_KEY', 'BACKUP_DATABASE_URL', 'VERIFY_DATABASE_URL'] as const) {
      expect(SETTINGS[k].secret, k).toBe(true);
    }
    for (const k of ['APP_URL', 'SUPABASE_URL', 'SLACK_API_URL', 'GEMINI_BASE_URL', 'BACKUP_SUPABASE_URL'] as const) expect(SETTINGS[k].secret, k).toBe(false);
  });
});

describe('parseArea', () => {
  const area = settingsArea('Test', 'an area made for this test', {
    T_COUNT: setting(int(1, 5), { doc: 'How many', default: '2' }),
    T_NAME: setting(z.string().regex(/^[a-z]+$/, 'must be lower-case letters'), { doc: 'A name', example: 'abc' }),
  });

  it('empty values take the default; a value is parsed by the same rule as the default', () => {
    expect(parseArea(area, { T_COUNT: '', T_NAME: '' })).toEqual({ T_COUNT: 2, T_NAME: undefined });
    expect(parseArea(area, { T_COUNT: '4', T_NAME: 'x', OTHER: 'ignored' })).toEqual({ T_COUNT: 4, T_NAME: 'x' });
  });

  it('lists every problem with the rule and what the setting is for', () => {
    let err: unknown;
    try {
      parseArea(area, { T_COUNT: '9', T_NAME: 'ABC' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual(['T_COUNT must be a whole number from 1 to 5 — How many', 'T_NAME must be lower-case letters — A name']);
  });
});
