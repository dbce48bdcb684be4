// Charts and report files next to a message. The text report is always posted first; the files
// follow in its thread, and a failed render or upload is said in the thread (or to the caller)
// instead of being lost. Charts are left out when CHARTS_ENABLED is false.
import { renderChart, type ChartDef } from '../charts/render.js';
import { isOpsError } from '../core/errors.js';
import type { Logger } from '../core/log.js';
import type { FileUploader, UploadItem, UploadTarget } from './files.js';

export interface Attachments {
  /** CHARTS_ENABLED. */
  charts: boolean;
  uploader: FileUploader;
}

/** Renders the charts (when enabled) as upload items with their alt text. */
export async function chartItems(att: Pick<Attachments, 'charts'>, defs: readonly (ChartDef | undefined)[]): Promise<UploadItem[]> {
  if (!att.charts) return [];
  const out: UploadItem[] = [];
  for (const def of defs) {
    if (!def) continue;
    const img = await renderChart(def);
    out.push({ filename: img.filename, title: img.title, content: img.png, altText: img.alt });
  }
  return out;
}

/**
 * Uploads `items` (charts are rendered first) to `where`; never throws. Returns what went wrong,
 * in words for the user, or undefined when everything was shared (or there was nothing to share).
 */
export async function shareAttachments(
  att: Attachments,
  log: Logger,
  where: UploadTarget,
  o: { charts?: readonly (ChartDef | undefined)[]; files?: readonly UploadItem[] },
): Promise<string | undefined> {
  let items: UploadItem[];
  try {
    items = [...(o.files ?? []), ...(await chartItems(att, o.charts ?? []))];
  } catch (err) {
    log.warn({ err }, 'chart rendering failed');
    items = [...(o.files ?? [])];
    if (items.length === 0) return 'I could not draw the chart (the text above has the same figures).';
  }
  if (items.length === 0) return undefined;
  try {
    await att.uploader.upload(items, where);
    return undefined;
  } catch (err) {
    log.warn({ err, files: items.map((i) => i.filename) }, 'file upload failed');
    return isOpsError(err) ? err.userMessage : `Uploading ${items.map((i) => i.filename).join(', ')} failed; the text above is the whole report's summary.`;
  }
}
