// Scheduler settings: runbook defaults, `off`, and start-up errors that name the setting and
// show the accepted format.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { settingDoc } from '../../src/core/env-schema.js';
import { parseSchedulerSettings, SchedulerEnv } from '../../src/scheduler/settings.js';

describe('scheduler settings', () => {
  it('default to the runbook: first Sunday 02:00 for 2 h, notices 72/24/1 h, 3 breaches, 30 min reminders', () => {
    const s = parseSchedulerSettings({}, 'C0ALERTS');
    expect(s.enabled).toBe(true);
    expect(s.graceMs).toBe(30 * 60_000);
    expect(s.maintenance).toEqual({ channel: 'C0ALERTS', rule: '0 2 * * 0#1', durationMs: 120 * 60_000, noticeHours: [72, 24, 1] });
    expect(s.alerts).toMatchObject({ enabled: true, channel: 'C0ALERTS', schedule: '* * * * *', consecutiveBreaches: 3, recoveryChecks: 2, reminderMs: 30 * 60_000 });
    expect(s.reminders.channel).toBe('C0ALERTS');
    expect(s.reminders.schedules).toEqual({
      'oncall-review': '0 10 * * 1',
      'metrics-review': '0 10 * * 1#1',
      'runbook-review': '0 10 * 1,4,7,10 1#1',
      'daily-backup': '0 3 * * *',
      'restore-test': '0 10 * * 2#1',
    });
  });

  it('lets each reminder be switched off or re-timed, and channels be split', () => {
    const s = parseSchedulerSettings({
      ALERTS_CHANNEL_ID: 'C0ALERTS',
      MAINTENANCE_CHANNEL_ID: 'C0MAINT',
      REMINDERS_CHANNEL_ID: 'C0REMIND',
      REMINDER_DAILY_BACKUP: 'off',
      REMINDER_ONCALL_REVIEW: '30 9 * * 5',
      MAINTENANCE_NOTICE_HOURS: '24, 72 ,2',
      MAINTENANCE_RULE: 'OFF',
      SCHEDULER_ENABLED: 'false',
    });
    expect(s.enabled).toBe(false);
    expect(s.maintenance.channel).toBe('C0MAINT');
    expect(s.maintenance.rule).toBeNull();
    expect(s.maintenance.noticeHours).toEqual([72, 24, 2]);
    expect(s.reminders.channel).toBe('C0REMIND');
    expect(s.reminders.schedules['daily-backup']).toBeNull();
    expect(s.reminders.schedules['oncall-review']).toBe('30 9 * * 5');
    expect(s.alerts.channel).toBe('C0ALERTS');
  });

  it('lists every invalid setting with what it is for and how to write it', () => {
    let err: unknown;
    try {
      parseSchedulerSettings({ REMINDER_METRICS_REVIEW: '0 10 1 *', MAINTENANCE_NOTICE_HOURS: '72,abc', ALERTS_CONSECUTIVE_BREACHES: '0' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    const problems = (err as ConfigError).problems.join('\n');
    expect(problems).toMatch(/REMINDER_METRICS_REVIEW "0 10 1 \*" must have 5 fields.*or off — Monthly metrics review/);
    expect(problems).toMatch(/MAINTENANCE_NOTICE_HOURS "abc" is not a whole number of hours/);
    expect(problems).toMatch(/ALERTS_CONSECUTIVE_BREACHES must be a whole number from 1 to 100 — Consecutive breaching/);
  });

  it('documents every setting with a default or an example that parses', () => {
    for (const [key, field] of Object.entries(SchedulerEnv.shape)) {
      const s = settingDoc(field);
      expect(s.doc.length, key).toBeGreaterThan(20);
      const value = s.example ?? s.default;
      expect(value, key).toBeDefined();
      expect(() => parseSchedulerSettings({ [key]: value }), key).not.toThrow();
    }
  });
});
