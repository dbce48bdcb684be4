// Settings of the Slack side: credentials, where the Web API is, the HTTP port, and who may do
// what where (channels, user groups, extra users).
import { z } from 'zod';
import { channelId, httpUrl, int, setting, settingsArea, slackIdList } from '../core/env-schema.js';

const userGroupId = z.string().regex(/^S[A-Z0-9]+$/, 'must be a user group id such as S012ABCDEF');

export const SlackEnv = settingsArea('Slack', 'How the bot reaches Slack, and who may run what in which channel.', {
  SLACK_BOT_TOKEN: setting(z.string().regex(/^xox[bp]-/, 'must be a bot token starting with xoxb- (or a user token xoxp-)'), {
    doc: 'Bot token (OAuth & Permissions → Bot User OAuth Token), used for every Slack Web API call. Required to run the bot, not the CLI',
    secret: true,
    example: 'xoxb-…',
  }),
  SLACK_SIGNING_SECRET: setting(z.string().min(8, 'must be the app signing secret (Basic Information → App Credentials), at least 8 characters'), {
    doc: 'Signing secret (Basic Information → App Credentials); verifies HTTP requests. Required unless SLACK_APP_TOKEN is set',
    secret: true,
    example: '0123456789abcdef0123456789abcdef',
  }),
  SLACK_APP_TOKEN: setting(z.string().regex(/^xapp-/, 'must be an app-level token starting with xapp-'), {
    doc: 'App-level token with connections:write; when set the bot uses Socket Mode (no public URL needed)',
    secret: true,
    example: 'xapp-…',
  }),
  SLACK_API_URL: setting(httpUrl(), {
    doc: 'Slack Web API base URL, for GovSlack-style hosts or a local stand-in',
    default: 'https://slack.com/api/',
  }),
  PORT: setting(int(0, 65535), {
    doc: 'HTTP port for /slack/events (HTTP mode) and /healthz',
    default: '3000',
  }),
  ALERTS_CHANNEL_ID: setting(channelId(), {
    doc: 'Channel for alerts, announcements and break-glass notices',
    example: 'C012ABCDEF',
  }),
  ALLOWED_CHANNEL_IDS: setting(slackIdList(), {
    doc: 'Comma-separated channel ids (exact, case-sensitive) where every command and button works, read-only, on-call and approver alike; approvals count only on the request message in its own channel; empty allows every channel',
    default: '',
    example: 'C012ABCDEF,C034GHIJKL',
  }),
  ONCALL_USERGROUP_ID: setting(userGroupId, {
    doc: 'Slack user group of on-call responders (diagnostics, requesting playbooks)',
    example: 'S012ABCDEF',
  }),
  APPROVER_USERGROUP_ID: setting(userGroupId, {
    doc: 'Slack user group of approvers for destructive playbooks',
    example: 'S034GHIJKL',
  }),
  ONCALL_USER_IDS: setting(slackIdList(), {
    doc: 'Comma-separated user ids that are on-call in addition to the user group',
    default: '',
    example: 'U012ABCDEF,U034GHIJKL',
  }),
  APPROVER_USER_IDS: setting(slackIdList(), {
    doc: 'Comma-separated user ids that are approvers in addition to the user group',
    default: '',
    example: 'U056MNOPQR',
  }),
  ROLE_CACHE_TTL_SECONDS: setting(int(0, 86_400), {
    doc: 'How long user-group membership is cached',
    default: '300',
  }),
});

export type SlackEnv = z.infer<typeof SlackEnv>;

/** How the bot talks to Slack. */
export interface SlackConnectionSettings {
  /** Empty in CLI mode. */
  botToken: string;
  signingSecret: string | undefined;
  appToken: string | undefined;
  /** Always ends with a slash, so method names can be appended. */
  apiUrl: string;
  port: number;
}

/** Who may run what, and where. */
export interface SlackAccessSettings {
  channels: { alerts: string | undefined; allowed: string[] };
  roles: {
    oncallGroup: string | undefined;
    approverGroup: string | undefined;
    oncallUsers: string[];
    approverUsers: string[];
    cacheTtlMs: number;
  };
}

/** Maps parsed values to what the Slack adapters and the authorizer use. */
export function toSlackSettings(e: SlackEnv): { slack: SlackConnectionSettings } & SlackAccessSettings {
  return {
    slack: {
      botToken: e.SLACK_BOT_TOKEN ?? '',
      signingSecret: e.SLACK_SIGNING_SECRET,
      appToken: e.SLACK_APP_TOKEN,
      apiUrl: e.SLACK_API_URL.endsWith('/') ? e.SLACK_API_URL : `${e.SLACK_API_URL}/`,
      port: e.PORT,
    },
    channels: { alerts: e.ALERTS_CHANNEL_ID, allowed: e.ALLOWED_CHANNEL_IDS },
    roles: {
      oncallGroup: e.ONCALL_USERGROUP_ID,
      approverGroup: e.APPROVER_USERGROUP_ID,
      oncallUsers: e.ONCALL_USER_IDS,
      approverUsers: e.APPROVER_USER_IDS,
      cacheTtlMs: e.ROLE_CACHE_TTL_SECONDS * 1000,
    },
  };
}
