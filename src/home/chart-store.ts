// The App Home's uploaded chart image in the state store (sql/home/chart-*): which Slack file the
// Home tab shows, what it was drawn from, and the lease that lets one replica at a time upload a
// new one.
import type { StateStore } from '../state/store.js';

/** The image a chart's Home block shows. */
export interface StoredChart {
  fileId: string;
  alt: string;
  title: string;
  /** The figures it was drawn for (see chart.ts); a change to them is worth a new image. */
  figures: string;
  /** The newest sample it shows. */
  newestSampleAt: number;
  renderedAt: number;
}

export interface HomeChartStore {
  /** The current image of `name`, if one was uploaded. */
  get(name: string): Promise<StoredChart | undefined>;
  /** Claims the upload of a new image until `leaseUntil`; false while another replica holds it or a failure's wait runs. */
  claim(name: string, now: Date, leaseUntil: Date): Promise<boolean>;
  /** Makes `chart` the current image; returns the file id it pushes out (to delete in Slack), if any. */
  save(name: string, chart: StoredChart): Promise<string | undefined>;
  /** The upload failed: no replica tries again before `retryFrom`. */
  failed(name: string, retryFrom: Date, error: string): Promise<void>;
}

const ms = (v: unknown): number => (v instanceof Date ? v.getTime() : typeof v === 'string' || typeof v === 'number' ? new Date(v).getTime() : NaN);

export function createHomeChartStore(state: Pick<StateStore, 'query'>): HomeChartStore {
  const q = state.query;
  return {
    async get(name) {
      const rows = await q<{ file_id: string | null; alt: string | null; title: string | null; figures: string | null; newest_sample_at: unknown; rendered_at: unknown }>('home/chart-get', [name]);
      const r = rows[0];
      if (!r?.file_id) return undefined;
      return { fileId: r.file_id, alt: r.alt ?? '', title: r.title ?? '', figures: r.figures ?? '', newestSampleAt: ms(r.newest_sample_at), renderedAt: ms(r.rendered_at) };
    },
    async claim(name, now, leaseUntil) {
      return (await q('home/chart-claim', [name, now, leaseUntil])).length > 0;
    },
    async save(name, c) {
      const rows = await q<{ dropped: string | null }>('home/chart-save', [name, c.fileId, c.alt.slice(0, 2000), c.title.slice(0, 200), c.figures.slice(0, 500), new Date(c.newestSampleAt), new Date(c.renderedAt)]);
      return rows[0]?.dropped ?? undefined;
    },
    async failed(name, retryFrom, error) {
      await q('home/chart-failed', [name, retryFrom, error.slice(0, 500)]);
    },
  };
}
