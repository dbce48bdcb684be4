// /db slots: the server's replication slots and the WAL each one holds back. A slot whose
// consumer (a read replica, a CDC tool, a forgotten logical subscription) has gone keeps every
// WAL segment until it is dropped: the disk fills although the tables did not grow, and the
// database stops accepting writes when it is full. This says which slot holds how much.
import { formatBytes, formatCount } from '../core/format.js';
import { failedSection, num, numOrNull, plural, type RunContext, str, strOrNull, type TopicResult, worstOf } from './common.js';
import type { TopicSpec } from './service.js';
import type { Finding, Section, Status } from './types.js';

/** Slots listed; the rest are counted. */
export const SLOTS_LISTED = 20;
/** WAL held by an inactive slot from which it is critical: at this size a full disk is near on small instances. */
export const SLOT_WAL_CRITICAL_BYTES = 1024 ** 3;

function slotStatus(active: boolean, walStatus: string | null, retained: number | null): Status {
  // lost: the WAL it needed is gone, its consumer cannot resume; unreserved: it will be lost at the next checkpoint.
  if (walStatus === 'lost' || walStatus === 'unreserved') return 'critical';
  if (active) return 'ok';
  return retained !== null && retained >= SLOT_WAL_CRITICAL_BYTES ? 'critical' : 'warn';
}

function slotFinding(row: Record<string, unknown>): Finding {
  const name = str(row, 'slot_name');
  const type = str(row, 'slot_type');
  const active = row.active === true;
  const walStatus = strOrNull(row, 'wal_status');
  const retained = numOrNull(row, 'retained_bytes');
  const safe = numOrNull(row, 'safe_wal_size');
  const plugin = strOrNull(row, 'plugin');
  const database = strOrNull(row, 'database');
  const pid = numOrNull(row, 'active_pid');
  const kind = type === 'logical' ? `logical${plugin ? ` (${plugin})` : ''}${database ? ` on ${database}` : ''}` : 'physical';
  const facts = [
    kind,
    active ? `active${pid !== null ? `, pid ${pid}` : ''}` : 'inactive: nothing is consuming it',
    retained === null ? 'holds no WAL yet' : `holds ${formatBytes(retained)} of WAL`,
    ...(walStatus ? [`WAL ${walStatus}`] : []),
    ...(safe !== null ? [`${formatBytes(Math.max(safe, 0))} more before it is lost`] : []),
    ...(row.temporary === true ? ['temporary'] : []),
  ];
  return {
    status: slotStatus(active, walStatus, retained),
    title: name,
    facts,
    data: { slot: name, type, database, plugin, active, activePid: pid, walStatus, retainedBytes: retained, safeWalBytes: safe, temporary: row.temporary === true },
  };
}

async function slots(ctx: RunContext): Promise<Section> {
  const title = 'Replication slots';
  const r = await ctx.tx.section('queries/db/replication-slots', [SLOTS_LISTED]);
  if (!r.ok) return failedSection('slots', title, r, ctx);
  const total = r.rows[0] ? num(r.rows[0], 'total') : 0;
  const findings = r.rows.map(slotFinding);
  const idle = findings.filter((f) => f.data.active !== true);
  const held = idle.reduce((s, f) => s + (typeof f.data.retainedBytes === 'number' ? f.data.retainedBytes : 0), 0);
  const lost = findings.filter((f) => f.data.walStatus === 'lost' || f.data.walStatus === 'unreserved');
  const first = idle[0]?.title ?? lost[0]?.title ?? 'the_slot';
  return {
    key: 'slots',
    title,
    status: worstOf(findings),
    summary:
      total === 0
        ? 'No replication slots: nothing holds WAL back.'
        : `${formatCount(total)} slot(s); ${idle.length === 0 ? 'all active' : `${plural(idle.length, 'inactive slot')} holding ${formatBytes(held)} of WAL`}${lost.length > 0 ? `; ${plural(lost.length, 'slot')} lost or about to be` : ''}.`,
    threshold: `an inactive slot warns; critical from ${formatBytes(SLOT_WAL_CRITICAL_BYTES)} of WAL held, or when its WAL is unreserved or lost`,
    findings,
    omitted: Math.max(total - findings.length, 0),
    nextStep:
      idle.length === 0 && lost.length === 0
        ? 'Nothing to do.'
        : `Find who owns the slot first (a read replica, Supabase Realtime or a CDC tool re-creates or needs it). If its consumer is gone for good, drop it to free the WAL: \`SELECT pg_drop_replication_slot('${first}');\` (an active slot must be stopped first). A lost slot cannot resume: its consumer needs a fresh copy.`,
  };
}

async function read(ctx: RunContext): Promise<TopicResult> {
  return { title: 'Replication slots', notes: [], statsResetAt: null, sections: [await slots(ctx)] };
}

/** The topic the /db declaration runs through DiagnosticsService.runTopic. */
export const SLOTS_TOPIC: TopicSpec = { purpose: 'db-slots', command: '/db slots', read };
