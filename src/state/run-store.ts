// Durable record of job runs in the state database (sql/scheduler/*.sql): claims that succeed
// once per (job, scheduled time), skipped occurrences, cursors and per-job advisory locks.
import type pg from 'pg';
import { sql, type SqlText } from '../core/sql.js';

/** Lock class of every scheduler advisory lock (the second key is hashtext(job id)). */
export const JOB_LOCK_CLASS = 734_620;

export type RunStatus = 'running' | 'succeeded' | 'failed' | 'skipped' | 'interrupted';

/** A recorded run. */
export interface JobRun {
  id: number;
  jobId: string;
  scheduledAt: number;
  status: RunStatus;
  late: boolean;
  claimedBy: string | null;
  startedAt: number | null;
  finishedAt: number | null;
  summary: string | null;
  detail: Record<string, unknown>;
  error: string | null;
}

/** The most recent recorded occurrence of a job. */
export interface LastRun {
  scheduledAt: number;
  status: RunStatus;
  late: boolean;
  finishedAt: number | null;
  summary: string | null;
}

/**
 * A held advisory lock; release it on the same connection. The lock lives as long as that
 * connection's session: when the session is cut, the lock is gone and another replica may take it.
 */
export interface JobLock {
  /** False once the lock's session ended (or cannot be checked): stop acting as its holder. */
  held(): Promise<boolean>;
  /** Releases the lock and returns the connection to the pool (or drops a broken one). */
  release(): Promise<void>;
}

/**
 * Anything that runs a parameterised query (a pg Pool or client). It takes only text that sql()
 * loaded from a typed SqlName, so every statement sent through it is one of sql/'s files.
 */
export interface Queryable {
  /** Runs one statement (sql(name)) with $n parameters. */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: SqlText, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

/** The state-store operations of the scheduler. */
export interface JobRunStore {
  /** Claims an occurrence; true only for the one caller that inserted it. */
  claim(jobId: string, at: number, late: boolean, instance: string, now: number): Promise<number | undefined>;
  /** Records the outcome of a claimed run. */
  finish(id: number, status: 'succeeded' | 'failed', now: number, summary: string | null, detail: Record<string, unknown>, error: string | null): Promise<void>;
  /** Records an occurrence as skipped; true when this call recorded it. */
  skip(jobId: string, at: number, instance: string, now: number, reason: string): Promise<boolean>;
  /** Marks runs left 'running' by a dead process as interrupted; call only while holding the job lock. */
  markInterrupted(jobId: string, now: number): Promise<{ scheduledAt: number; claimedBy: string | null }[]>;
  /** Latest runs of one job, newest first. */
  recent(jobId: string, limit: number): Promise<JobRun[]>;
  /** Recorded runs of the given (job, time) pairs, keyed `${jobId}@${ms}`. */
  runsAt(keys: { jobId: string; at: number }[]): Promise<Map<string, { status: RunStatus; late: boolean }>>;
  /** The most recent recorded occurrence per job. */
  lastRuns(jobIds: string[]): Promise<Map<string, LastRun>>;
  /** How far each job has been examined, by any replica. */
  cursors(jobIds: string[]): Promise<Map<string, number>>;
  /** Moves cursors forward (never back). */
  advance(cursors: Map<string, number>, now: number): Promise<void>;
  /** Takes the job's advisory lock without waiting; undefined when another session holds it. */
  tryLock(jobId: string): Promise<JobLock | undefined>;
}

const ms = (v: unknown): number | null => (v instanceof Date ? v.getTime() : v === null || v === undefined ? null : typeof v === 'string' ? Date.parse(v) : null);

export function createJobRunStore(pool: pg.Pool): JobRunStore {
  return {
    async claim(jobId, at, late, instance, now) {
      const r = await pool.query<{ id: string }>(sql('scheduler/run-claim'), [jobId, new Date(at), late, instance, new Date(now)]);
      return r.rows[0] ? Number(r.rows[0].id) : undefined;
    },
    async finish(id, status, now, summary, detail, error) {
      await pool.query(sql('scheduler/run-finish'), [id, status, new Date(now), summary, JSON.stringify(detail), error]);
    },
    async skip(jobId, at, instance, now, reason) {
      const r = await pool.query(sql('scheduler/run-skip'), [jobId, new Date(at), instance, new Date(now), reason]);
      return r.rowCount === 1;
    },
    async markInterrupted(jobId, now) {
      const r = await pool.query<{ scheduled_at: Date; claimed_by: string | null }>(sql('scheduler/runs-mark-interrupted'), [jobId, new Date(now)]);
      return r.rows.map((row) => ({ scheduledAt: row.scheduled_at.getTime(), claimedBy: row.claimed_by }));
    },
    async recent(jobId, limit) {
      const r = await pool.query<Record<string, unknown>>(sql('scheduler/runs-recent'), [jobId, limit]);
      return r.rows.map((row) => ({
        id: Number(row.id),
        jobId: String(row.job_id),
        scheduledAt: ms(row.scheduled_at) ?? 0,
        status: row.status as RunStatus,
        late: row.late === true,
        claimedBy: (row.claimed_by as string | null) ?? null,
        startedAt: ms(row.started_at),
        finishedAt: ms(row.finished_at),
        summary: (row.summary as string | null) ?? null,
        detail: (row.detail as Record<string, unknown> | null) ?? {},
        error: (row.error as string | null) ?? null,
      }));
    },
    async runsAt(keys) {
      if (keys.length === 0) return new Map();
      const r = await pool.query<{ job_id: string; scheduled_at: Date; status: RunStatus; late: boolean }>(sql('scheduler/runs-at'), [
        keys.map((k) => k.jobId),
        keys.map((k) => new Date(k.at)),
      ]);
      return new Map(r.rows.map((row) => [`${row.job_id}@${row.scheduled_at.getTime()}`, { status: row.status, late: row.late }]));
    },
    async lastRuns(jobIds) {
      const r = await pool.query<Record<string, unknown>>(sql('scheduler/runs-last-per-job'), [jobIds]);
      return new Map(
        r.rows.map((row) => [
          String(row.job_id),
          {
            scheduledAt: ms(row.scheduled_at) ?? 0,
            status: row.status as RunStatus,
            late: row.late === true,
            finishedAt: ms(row.finished_at),
            summary: (row.summary as string | null) ?? null,
          },
        ]),
      );
    },
    async cursors(jobIds) {
      const r = await pool.query<{ job_id: string; checked_through: Date }>(sql('scheduler/cursors-get'), [jobIds]);
      return new Map(r.rows.map((row) => [row.job_id, row.checked_through.getTime()]));
    },
    async advance(cursors, now) {
      if (cursors.size === 0) return;
      const ids = [...cursors.keys()];
      await pool.query(sql('scheduler/cursors-advance'), [ids, ids.map((id) => new Date(cursors.get(id) ?? 0)), new Date(now)]);
    },
    async tryLock(jobId) {
      const client = await pool.connect();
      // The session may end at any moment while the lock is held (a DBA, a restart): remember it.
      // The pool's guard keeps the process alive; this only records that the lock went with it.
      let lost: Error | undefined;
      const onError = (err: Error) => {
        lost ??= err;
      };
      const onEnd = () => {
        lost ??= new Error('Connection ended');
      };
      client.on('error', onError);
      client.once('end', onEnd);
      const detach = () => {
        client.removeListener('error', onError);
        client.removeListener('end', onEnd);
      };
      let locked = false;
      try {
        const r = await client.query<{ locked: boolean }>(sql('scheduler/lock-try'), [JOB_LOCK_CLASS, jobId]);
        locked = r.rows[0]?.locked === true;
      } catch (err) {
        lost ??= err instanceof Error ? err : new Error(String(err));
        throw err;
      } finally {
        if (!locked) {
          detach();
          client.release(lost);
        }
      }
      if (!locked) return undefined;
      let released = false;
      return {
        async held() {
          if (lost || released) return false;
          try {
            const r = await client.query<{ held: boolean }>(sql('scheduler/lock-held'), [JOB_LOCK_CLASS, jobId]);
            return r.rows[0]?.held === true;
          } catch (err) {
            lost ??= err instanceof Error ? err : new Error(String(err));
            return false;
          }
        },
        async release() {
          if (released) return;
          released = true;
          detach();
          // A cut session took its lock with it; there is nothing to unlock, only a client to drop.
          if (lost) {
            client.release(lost);
            return;
          }
          try {
            await client.query(sql('scheduler/lock-release'), [JOB_LOCK_CLASS, jobId]);
            client.release();
          } catch (err) {
            // A connection whose unlock failed may still hold the lock: destroy it, which frees it.
            client.release(err instanceof Error ? err : true);
          }
        },
      };
    },
  };
}
