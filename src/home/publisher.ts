// Keeps the Home tab current: an opening or a change makes viewers' views due (in the state
// store, so a restart or another replica picks it up), and one flush at a time claims due viewers
// and publishes their views. Bounded by Slack's limits: views.publish is Tier 4, so one viewer is
// republished at most once per HOME_REPUBLISH_SECONDS (changes in between are coalesced into the
// next publish), at most BATCH viewers per round (about 100 a minute), and a 429 pauses every publish for its
// Retry-After. A failing publish is retried with backoff a few times, then dropped until the
// next change or opening; a view refused for its image blocks (an uploaded chart Slack cannot
// show) is published again without them. Nothing here ever throws into a Slack listener's caller
// or a timer.
import type { View } from '@slack/types';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import type { HomeSettings } from './settings.js';
import type { HomeStore } from './store.js';

/**
 * Viewers claimed per round; a full round is followed by another after ROUND_GAP_MS: at most
 * about 100 publishes a minute per replica, Slack's Tier 4 (Retry-After covers the rest).
 */
export const BATCH = 10;
export const ROUND_GAP_MS = 6000;
/** How long a claim is held; a replica that dies mid-publish frees its viewers after this. */
export const LEASE_MS = 60_000;
/** Failed publishes in a row before a change is dropped (until the next change or opening). */
export const MAX_FAILURES = 5;
/** Backoff after the n-th failure: BACKOFF_MS × 2^(n-1), at most 5 minutes. */
export const BACKOFF_MS = 5000;
/** Changes within this long are published together. */
export const COALESCE_MS = 500;

/** Builds the views; loaded once per round, then one view per viewer. */
export interface HomeContent<S = unknown> {
  /** Reads what every viewer sees (incidents, lockdown, health, maintenance, pending requests). */
  load(): Promise<S>;
  /** The Home view of `viewer`: the shared part and what waits for them; `notice` goes first. */
  viewFor(shared: S, viewer: string, notice?: string): Promise<View>;
}

export interface HomePublisherDeps<S> {
  store: HomeStore;
  content: HomeContent<S>;
  /** views.publish for one user. */
  publish(userId: string, view: View): Promise<void>;
  clock: Clock;
  logger: Logger;
  settings: HomeSettings;
}

export interface HomePublisher {
  /** `userId` opened the Home tab: recorded as a viewer, their view published as soon as allowed. */
  opened(userId: string): Promise<void>;
  /** Incidents, approvals or the lockdown changed: every recent viewer's view becomes due. Never throws. */
  changed(): void;
  /** Publishes due views (one flush at a time per process); returns how many were published. */
  flush(): Promise<number>;
  /** Publishes `userId`'s view now with `notice` first: the answer to a click on their Home tab. */
  answer(userId: string, notice: string): Promise<void>;
  /** Forgets viewers who have not opened the Home tab recently. */
  prune(): Promise<number>;
  /** Waits for background work (tests, shutdown). */
  idle(): Promise<void>;
  stop(): void;
}

/** How a views.publish failure is handled. */
export interface FailurePlan {
  /** Try again (from `retryInMs`), or drop the change. */
  retry: boolean;
  retryInMs: number;
  /** Slack asked every publish to wait this long (429). */
  pauseMs?: number;
  /** Counted towards MAX_FAILURES (rate limits are too: a viewer is not retried forever). */
  counted: boolean;
  /** Short, for the row and the log. */
  error: string;
  /** Our bug (bad blocks) rather than Slack's weather: logged as an error. */
  ours: boolean;
}

/** Platform errors that no retry fixes. */
const PERMANENT = new Set(['invalid_arguments', 'invalid_blocks', 'invalid_blocks_format', 'not_enabled', 'user_not_found', 'account_inactive', 'not_authed', 'invalid_auth', 'missing_scope']);

/** Decides what a failed publish (the n-th in a row, counting this one) leads to. */
export function planFailure(err: unknown, failures: number): FailurePlan {
  const e = err as { code?: unknown; retryAfter?: unknown; data?: { error?: unknown } } | undefined;
  const platform = typeof e?.data?.error === 'string' ? e.data.error : undefined;
  const giveUp = failures >= MAX_FAILURES;
  if (e?.code === 'slack_webapi_rate_limited_error' || platform === 'ratelimited') {
    const seconds = typeof e?.retryAfter === 'number' && e.retryAfter > 0 ? e.retryAfter : 30;
    const ms = Math.min(seconds, 600) * 1000;
    return { retry: !giveUp, retryInMs: ms, pauseMs: ms, counted: true, error: `rate limited (Retry-After ${seconds} s)`, ours: false };
  }
  if (platform && PERMANENT.has(platform)) return { retry: false, retryInMs: 0, counted: true, error: `Slack refused the view: ${platform}`, ours: platform.startsWith('invalid_') };
  const message = platform ? `Slack error ${platform}` : err instanceof Error ? err.message : String(err);
  return { retry: !giveUp, retryInMs: Math.min(BACKOFF_MS * 2 ** Math.max(0, failures - 1), 300_000), counted: true, error: message.slice(0, 300), ours: false };
}

export function createHomePublisher<S>(d: HomePublisherDeps<S>): HomePublisher {
  const { store, clock, logger, settings } = d;
  const log = logger.child({ component: 'home' });
  let timer: NodeJS.Timeout | undefined;
  let timerAt = Infinity;
  let pausedUntil = 0;
  let flushing: Promise<number> | undefined;
  let again = false;
  let stopped = false;
  const background = new Set<Promise<unknown>>();
  const at = (ms: number) => new Date(ms);
  const recentSince = () => at(clock.now() - settings.recentViewerMs);

  const track = (p: Promise<unknown>) => {
    background.add(p);
    void p.finally(() => background.delete(p));
  };

  /** Flushes in `ms` (keeping an earlier flush already planned). */
  const scheduleIn = (ms: number) => {
    if (stopped) return;
    const due = clock.now() + Math.max(0, ms);
    if (timer && timerAt <= due) return;
    clearTimeout(timer);
    timerAt = due;
    timer = setTimeout(() => {
      timer = undefined;
      timerAt = Infinity;
      track(flush().catch((err: unknown) => log.warn({ err }, 'home flush failed')));
    }, Math.max(0, ms));
    timer.unref();
  };

  /**
   * Publishes `v`; if Slack refuses its blocks and it has images (an uploaded chart Slack cannot
   * show, e.g. a file not ready yet or gone), publishes it again without them: an image never
   * keeps the Home tab from being published.
   */
  const send = async (userId: string, v: View): Promise<void> => {
    try {
      await d.publish(userId, v);
    } catch (err) {
      const blocks = v.blocks.filter((b) => b.type !== 'image');
      if (blocks.length === v.blocks.length || (err as { data?: { error?: unknown } } | undefined)?.data?.error !== 'invalid_blocks') throw err;
      log.warn({ err, userId }, 'the Home tab was refused with its image; publishing it without');
      await d.publish(userId, { ...v, blocks });
    }
  };

  const publishOne = async (userId: string, failures: number, view: () => Promise<View>, coveredAt: number): Promise<boolean> => {
    try {
      await send(userId, await view());
      const now = clock.now();
      await store.published(userId, at(coveredAt), at(now), at(now + settings.republishMs));
      return true;
    } catch (err) {
      const plan = planFailure(err, failures + 1);
      if (plan.pauseMs) pausedUntil = Math.max(pausedUntil, clock.now() + plan.pauseMs);
      const fields = { err, userId, failures: failures + 1, retry: plan.retry };
      if (plan.ours) log.error(fields, 'the Home tab view was refused');
      else log.warn(fields, 'could not publish the Home tab');
      await store
        .failed(userId, { error: plan.error, notBefore: at(clock.now() + plan.retryInMs), retry: plan.retry, counted: plan.counted })
        .catch((e: unknown) => log.warn({ err: e, userId }, 'could not record a Home tab failure'));
      return false;
    }
  };

  const round = async (): Promise<{ published: number; full: boolean }> => {
    const started = clock.now();
    if (started < pausedUntil) {
      scheduleIn(pausedUntil - started);
      return { published: 0, full: false };
    }
    const claimed = await store.claim(at(started), at(started + LEASE_MS), recentSince(), BATCH);
    if (claimed.length === 0) return { published: 0, full: false };
    let shared: Promise<S> | undefined;
    let published = 0;
    for (const v of claimed) {
      if (clock.now() < pausedUntil) {
        // Slack asked us to wait: the rest of the round goes back, uncounted, for after the pause.
        await store.failed(v.userId, { error: 'waiting for Slack rate limit', notBefore: at(pausedUntil), retry: true, counted: false });
        continue;
      }
      shared ??= d.content.load();
      const s = shared;
      if (await publishOne(v.userId, v.failures, async () => d.content.viewFor(await s, v.userId), started)) published++;
    }
    return { published, full: claimed.length === BATCH };
  };

  const flush = (): Promise<number> => {
    if (flushing) {
      again = true;
      return flushing;
    }
    flushing = (async () => {
      let total = 0;
      try {
        do {
          again = false;
          const r = await round();
          total += r.published;
          if (r.full) {
            scheduleIn(ROUND_GAP_MS);
            break;
          }
        } while (again);
        const next = await store.nextDue(recentSince());
        if (next) scheduleIn(next.getTime() - clock.now());
      } finally {
        flushing = undefined;
      }
      return total;
    })();
    return flushing;
  };

  return {
    async opened(userId) {
      await store.opened(userId, at(clock.now()));
      await flush();
    },
    changed() {
      const p = store
        .changed(at(clock.now()), recentSince())
        .then((n) => {
          if (n > 0) scheduleIn(COALESCE_MS);
        })
        .catch((err: unknown) => log.warn({ err }, 'could not mark Home tabs for republishing'));
      track(p);
    },
    flush,
    async answer(userId, notice) {
      const started = clock.now();
      if (started < pausedUntil) {
        log.warn({ userId }, 'Home tab answer not shown: Slack is rate limiting views.publish');
        return;
      }
      await publishOne(userId, 0, async () => d.content.viewFor(await d.content.load(), userId, notice), started);
    },
    async prune() {
      return store.prune(recentSince());
    },
    async idle() {
      while (background.size > 0 || flushing) await Promise.allSettled([...background, ...(flushing ? [flushing] : [])]);
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
    },
  };
}
