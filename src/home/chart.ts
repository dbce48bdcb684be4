// The App Home's database chart: connections over the last 24 h against the warning and
// critical lines and the size against the storage limit — the /health db chart (the same spec
// and alt text), from the samples the every-minute alert evaluation stores. The PNG is uploaded
// without a channel (private to the app) and shown by its file id (an image block's slack_file),
// so the Home tab is not a new upload on every publish: a new image is drawn only when there is
// a newer sample and either its key figures moved (a line crossed, a new peak, a percent of
// storage) or the current image is REDRAW_MS old. One replica uploads at a time (a lease in the
// state store); the file pushed out by a new one is deleted, so at most two exist. A failed
// upload is logged and the Home tab is published without the image (the figures are in its
// text either way); nothing here throws into a publish.
import { dbHealthChart, type DbChartLimits, type MetricPoint } from '../charts/health-chart.js';
import { renderChart, type ChartDef } from '../charts/render.js';
import { clock as clockText } from '../charts/time.js';
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/log.js';
import { TIMED_OUT, waitAtMost } from '../core/wait.js';
import type { MetricSampleStore } from '../metrics/samples.js';
import type { FileUploader } from '../slack/files.js';
import type { HomeChartStore, StoredChart } from './chart-store.js';

/** The chart's row in the state store. */
export const CHART_NAME = 'db-health';
/** An image whose figures still hold is redrawn after this long (when newer samples exist), so its time axis moves on. */
export const REDRAW_MS = 10 * 60_000;
/** How long one replica holds the upload of a new image. */
export const UPLOAD_LEASE_MS = 60_000;
/** After a failed upload, no replica tries again for this long. */
export const RETRY_MS = 60_000;
/** An image that is due a redraw but could not get one is still shown this long after it was drawn. */
export const STALE_MS = 3_600_000;
/** How long a publish waits for a new image; then it shows the current one, and the Home tabs are republished when the new one is ready. */
export const WAIT_MS = 15_000;
const DAY_MS = 86_400_000;

/** An uploaded chart, as an image block shows it. */
export interface HomeChartImage {
  fileId: string;
  alt: string;
  title: string;
}

/** The database part of the Home tab. */
export interface HomeDatabase {
  /** The chart's figures in words (its alt text, from the samples as they are now). */
  figures: string;
  /** The chart as an uploaded image; absent with charts off or when no image could be uploaded. */
  image?: HomeChartImage;
}

export interface HomeChart {
  /** The database part of the Home tab; undefined without two samples in the last 24 h. Never throws. */
  current(): Promise<HomeDatabase | undefined>;
  /** Waits for an upload still running after a publish stopped waiting for it (tests, shutdown). */
  idle(): Promise<void>;
}

export interface HomeChartDeps {
  samples: Pick<MetricSampleStore, 'since'>;
  store: HomeChartStore;
  uploader: FileUploader;
  limits: DbChartLimits;
  /** CHARTS_ENABLED: without it the figures are shown and nothing is uploaded. */
  enabled: boolean;
  timezone: string;
  clock: Clock;
  logger: Logger;
  /** A new image was uploaded after a publish stopped waiting for it: worth republishing the Home tabs. */
  onLateImage?: () => void;
  /** How long a publish waits for a new image (default WAIT_MS). */
  waitMs?: number;
}

/**
 * What a new image is drawn for as soon as a newer sample shows it: the band of the connections
 * now (under the warning line, over it, over the critical line), the 24 h peak, the whole percent
 * of storage used, and the lines themselves.
 */
export function chartFigures(points: readonly MetricPoint[], limits: DbChartLimits): string {
  const conns = points.map((p) => p.connections).filter((n): n is number => n !== null);
  const sizes = points.map((p) => p.dbSizeBytes).filter((n): n is number => n !== null);
  const now = conns.at(-1);
  const band = now === undefined ? 'none' : now >= limits.connectionsCritical ? 'critical' : now >= limits.connectionsWarn ? 'warn' : 'ok';
  const size = sizes.at(-1);
  return JSON.stringify({
    band,
    peak: conns.length ? Math.max(...conns) : null,
    storagePct: size === undefined ? null : Math.floor((100 * size) / limits.storageLimitBytes),
    lines: [limits.connectionsWarn, limits.connectionsCritical, limits.storageLimitBytes, limits.storageWarnPct],
  });
}

/** Whether `stored` should give way to a new image of samples up to `newest` with `figures`. */
export function needsRedraw(stored: StoredChart | undefined, newest: number, figures: string, now: number): boolean {
  if (!stored) return true;
  if (newest <= stored.newestSampleAt) return false;
  return stored.figures !== figures || now - stored.renderedAt >= REDRAW_MS;
}

const shown = (s: StoredChart): HomeChartImage => ({ fileId: s.fileId, alt: s.alt, title: s.title });

export function createHomeChart(d: HomeChartDeps): HomeChart {
  const log = d.logger.child({ component: 'home-chart' });
  const running = new Set<Promise<unknown>>();

  /** Draws, uploads and records a new image; deletes the file it pushes out. */
  const draw = async (def: ChartDef, figures: string, newest: number): Promise<HomeChartImage> => {
    const img = await renderChart(def);
    const title = `${def.title}, 24 h to ${clockText(newest, d.timezone)}`;
    const [file] = await d.uploader.upload([{ filename: img.filename, title, content: img.png, altText: img.alt }], { purpose: 'the Home tab chart' });
    if (!file) throw new Error('Slack returned no file for the Home tab chart');
    const chart: StoredChart = { fileId: file.id, alt: img.alt, title, figures, newestSampleAt: newest, renderedAt: d.clock.now() };
    let dropped: string | undefined;
    try {
      dropped = await d.store.save(CHART_NAME, chart);
    } catch (err) {
      // Not recorded, so nothing would ever delete it: delete it now.
      await d.uploader.delete(file.id).catch(() => undefined);
      throw err;
    }
    if (dropped) await d.uploader.delete(dropped).catch((err: unknown) => log.warn({ err, fileId: dropped }, 'an old Home tab chart file was not deleted'));
    return shown(chart);
  };

  const imageFor = async (def: ChartDef, points: readonly MetricPoint[], now: number): Promise<HomeChartImage | undefined> => {
    const stored = await d.store.get(CHART_NAME);
    const figures = chartFigures(points, d.limits);
    const newest = Math.max(...points.map((p) => p.at));
    if (stored && !needsRedraw(stored, newest, figures, now)) return shown(stored);
    // Due a redraw: until a new image is there, the current one while it is not too old.
    const meanwhile = stored && now - stored.renderedAt < STALE_MS ? shown(stored) : undefined;
    if (!(await d.store.claim(CHART_NAME, new Date(now), new Date(now + UPLOAD_LEASE_MS)))) return meanwhile;
    let late = false;
    const job = draw(def, figures, newest).then(
      (img) => {
        if (late) d.onLateImage?.();
        return img;
      },
      async (err: unknown) => {
        log.warn({ err }, 'the Home tab chart was not uploaded');
        const error = err instanceof Error ? err.message : String(err);
        await d.store.failed(CHART_NAME, new Date(d.clock.now() + RETRY_MS), error).catch((e: unknown) => log.warn({ err: e }, 'could not record a Home tab chart failure'));
        return undefined;
      },
    );
    running.add(job);
    void job.finally(() => running.delete(job));
    const result = await waitAtMost(job, d.waitMs ?? WAIT_MS);
    if (result === TIMED_OUT) {
      late = true;
      return meanwhile;
    }
    return result ?? meanwhile;
  };

  return {
    async current() {
      const now = d.clock.now();
      let points: MetricPoint[];
      try {
        points = await d.samples.since(now - DAY_MS);
      } catch (err) {
        log.warn({ err }, 'metric samples not read for the Home tab');
        return undefined;
      }
      const def = dbHealthChart(points, d.limits, d.timezone);
      if (!def) return undefined;
      if (!d.enabled) return { figures: def.alt };
      const image = await imageFor(def, points, now).catch((err: unknown) => {
        log.warn({ err }, 'the Home tab chart could not be shown');
        return undefined;
      });
      return image ? { figures: def.alt, image } : { figures: def.alt };
    },
    async idle() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}
