// Settings of the App Home: whose Home tab is kept current, and how often one person's view may
// be republished (views.publish is Tier 4; changes in between are coalesced into one publish).
import type { z } from 'zod';
import { int, setting, settingsArea } from '../core/env-schema.js';

export const HomeEnv = settingsArea('App Home', 'The Home tab: who gets it republished when incidents, approvals or the lockdown change.', {
  HOME_RECENT_VIEWER_HOURS: setting(int(1, 720), {
    doc: 'Republish the Home tab on changes for people who opened it within this many hours (others get a fresh one when they open it)',
    default: '24',
  }),
  HOME_REPUBLISH_SECONDS: setting(int(1, 600), {
    doc: 'Least seconds between two publishes of one person\'s Home tab; changes in between are shown together in the next one',
    default: '10',
  }),
});

export type HomeEnv = z.infer<typeof HomeEnv>;

export interface HomeSettings {
  /** Viewers who opened the Home tab within this long are republished on changes. */
  recentViewerMs: number;
  /** Least time between two publishes of one viewer's Home tab. */
  republishMs: number;
}

export function toHomeSettings(e: HomeEnv): HomeSettings {
  return { recentViewerMs: e.HOME_RECENT_VIEWER_HOURS * 3_600_000, republishMs: e.HOME_REPUBLISH_SECONDS * 1000 };
}
