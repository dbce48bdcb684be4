// Files in Slack: what files.uploadV2 does, as three steps we control — files.getUploadURLExternal
// per file (with its length, and an image's alt text), the bytes POSTed to the upload address,
// then one files.completeUploadExternal that shares them all in a channel or thread (or, without
// a channel, shares them nowhere: private to the app, for an image block's slack_file); and
// files.delete for a file no longer shown. Each failure says which step failed and what it means;
// callers post their text report first, so a failed upload never loses the report (files:write).
import type { webApi } from '@slack/bolt';
import { isOpsError, UpstreamError } from '../core/errors.js';
import { describeSlackFailure } from './chat-poster.js';

/** One file to share. */
export interface UploadItem {
  /** e.g. "slow-queries.csv"; its extension tells Slack the type. */
  filename: string;
  title: string;
  content: string | Buffer;
  /** An image's description for screen readers (Slack: ≤ 1000 characters for files). */
  altText?: string;
  /** Slack's syntax highlighting of a text file, e.g. "markdown", "csv", "json". */
  snippetType?: string;
}

/** Where the files go. */
export interface UploadTarget {
  /** Without a channel the files are shared nowhere: private to the app, for image blocks (slack_file). */
  channel?: string;
  /** Share in this thread (of `channel`). */
  threadTs?: string;
  /** A message posted with the files. */
  comment?: string;
  /** What the files are, for the error message (default "the file"). */
  purpose?: string;
}

export interface UploadedFile {
  id: string;
  title: string;
}

/** Shares files in Slack channels and threads. */
export interface FileUploader {
  /** Uploads every file and shares them together; throws an OpsError naming the failed step. */
  upload(files: readonly UploadItem[], where: UploadTarget): Promise<UploadedFile[]>;
  /** Deletes a file the bot uploaded (one an image block no longer needs). */
  delete(fileId: string): Promise<void>;
}

/** The part of Bolt's WebClient the uploader uses. */
export type SlackFilesClient = Pick<webApi.WebClient, 'files'>;

/** Slack's limit on a file's alt text. */
const FILE_ALT_MAX = 1000;

function failure(err: unknown, doing: string, outcome: string, channel: string | undefined): Error {
  if (isOpsError(err)) return err;
  return (
    describeSlackFailure(err, { doing, outcome, channel }) ??
    new UpstreamError(`${doing} failed (${err instanceof Error ? err.message.slice(0, 120) : 'unknown error'}); ${outcome}. Try again in a minute.`, { cause: err })
  );
}

/** files.completeUploadExternal's destination: a channel (and thread), or none (private to the app). */
function destination(where: UploadTarget): { channel_id: string; thread_ts?: string } | Record<string, never> {
  if (!where.channel) return {};
  return { channel_id: where.channel, ...(where.threadTs ? { thread_ts: where.threadTs } : {}) };
}

/** A FileUploader over the Web API (`client`) and `fetch` for the upload addresses Slack hands out. */
export function slackFileUploader(client: () => SlackFilesClient, fetchFn: typeof fetch): FileUploader {
  return {
    async upload(files, where) {
      const what = where.purpose ?? (files.length === 1 ? 'the file' : 'the files');
      const outcome = `${what} ${where.purpose || files.length === 1 ? 'was' : 'were'} not shared (the message above has the report)`;
      const shared: UploadedFile[] = [];
      for (const f of files) {
        const bytes = typeof f.content === 'string' ? Buffer.from(f.content, 'utf8') : f.content;
        let slot: { upload_url?: string; file_id?: string };
        try {
          slot = await client().files.getUploadURLExternal({
            filename: f.filename,
            length: bytes.length,
            ...(f.altText ? { alt_text: f.altText.slice(0, FILE_ALT_MAX) } : {}),
            ...(f.snippetType ? { snippet_type: f.snippetType } : {}),
          });
        } catch (err) {
          throw failure(err, `asking Slack where to upload ${f.filename}`, outcome, where.channel);
        }
        if (!slot.upload_url || !slot.file_id) throw new UpstreamError(`Slack gave no upload address for ${f.filename}; ${outcome}. Try again in a minute.`);
        let res: Response;
        try {
          res = await fetchFn(slot.upload_url, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body: bytes });
        } catch (err) {
          throw new UpstreamError(`I could not reach Slack's file service to upload ${f.filename}; ${outcome}. Try again in a minute.`, { cause: err });
        }
        if (!res.ok) throw new UpstreamError(`Slack's file service answered ${res.status} to the upload of ${f.filename}; ${outcome}. Try again in a minute.`);
        await res.body?.cancel().catch(() => undefined);
        shared.push({ id: slot.file_id, title: f.title });
      }
      try {
        await client().files.completeUploadExternal({
          files: shared.map((f) => ({ id: f.id, title: f.title })) as [{ id: string; title: string }],
          ...destination(where),
          ...(where.comment ? { initial_comment: where.comment } : {}),
        });
      } catch (err) {
        throw failure(err, `sharing ${what}`, outcome, where.channel);
      }
      return shared;
    },
    async delete(fileId) {
      try {
        await client().files.delete({ file: fileId });
      } catch (err) {
        throw failure(err, `deleting the file ${fileId}`, 'it stays in Slack', undefined);
      }
    },
  };
}
