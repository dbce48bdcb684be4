// Reads the commands and message shortcuts of manifest.yml for the page's composer (completion
// with usage hints) and shortcut menu, and so the stand-in refuses a command the app does not have.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export interface ManifestCommand {
  command: string;
  description: string;
  usageHint: string;
}

export interface ManifestShortcut {
  name: string;
  type: 'message' | 'global';
  callbackId: string;
  description: string;
}

export interface ManifestSummary {
  appName: string;
  botName: string;
  commands: ManifestCommand[];
  shortcuts: ManifestShortcut[];
  homeTab: boolean;
  /** settings.event_subscriptions.bot_events: Slack sends only these events. */
  botEvents: string[];
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Parses the parts of an app manifest the page needs. */
export function readManifest(path: string): ManifestSummary {
  const doc = parse(readFileSync(path, 'utf8')) as Record<string, unknown> | null;
  const features = (doc?.features ?? {}) as Record<string, unknown>;
  const display = (doc?.display_information ?? {}) as Record<string, unknown>;
  const bot = (features.bot_user ?? {}) as Record<string, unknown>;
  const home = (features.app_home ?? {}) as Record<string, unknown>;
  const settings = (doc?.settings ?? {}) as Record<string, unknown>;
  const subs = (settings.event_subscriptions ?? {}) as Record<string, unknown>;
  const commands = Array.isArray(features.slash_commands) ? (features.slash_commands as Record<string, unknown>[]) : [];
  const shortcuts = Array.isArray(features.shortcuts) ? (features.shortcuts as Record<string, unknown>[]) : [];
  return {
    appName: str(display.name) || 'app',
    botName: str(bot.display_name) || str(display.name) || 'bot',
    commands: commands.map((c) => ({ command: str(c.command), description: str(c.description), usageHint: str(c.usage_hint) })).filter((c) => c.command.startsWith('/')),
    shortcuts: shortcuts.map((s) => ({ name: str(s.name), type: s.type === 'global' ? 'global' : 'message', callbackId: str(s.callback_id), description: str(s.description) })),
    homeTab: home.home_tab_enabled === true,
    botEvents: Array.isArray(subs.bot_events) ? (subs.bot_events as unknown[]).filter((e): e is string => typeof e === 'string') : [],
  };
}
