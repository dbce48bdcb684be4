// The run's plain closing line, "N passed, N failed, N skipped", printed last (after one line per
// skip reason) by
// `npm test` and repeated by .ci/run. A run that skipped tests must say so and why: without
// it, a machine without a matching pg_dump skipped every backup test behind a green line.
// Reasons are the notes tests pass to ctx.skip(note) (see test/support/backup-tools.ts);
// a test file that failed to load counts as a failure even though it ran no test.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Reporter, TestModule, TestRunEndReason } from 'vitest/node';

export interface RunCounts {
  passed: number;
  failed: number;
  skipped: number;
  /** Skip note → how many tests skipped with it. */
  reasons: Map<string, number>;
}

/** Counts tests by outcome and groups the skipped ones by their note. */
export function countRun(modules: ReadonlyArray<TestModule>, unhandledErrors = 0): RunCounts {
  const counts: RunCounts = { passed: 0, failed: unhandledErrors, skipped: 0, reasons: new Map() };
  for (const m of modules) {
    let tests = 0;
    for (const t of m.children.allTests()) {
      tests++;
      const r = t.result();
      if (r.state === 'passed') counts.passed++;
      else if (r.state === 'failed') counts.failed++;
      else if (r.state === 'skipped') {
        counts.skipped++;
        // Grouped as printed (one line each): notes that differ only in whitespace are one reason.
        const why = r.note?.replace(/\s+/g, ' ').trim() || (t.options.mode === 'todo' ? 'todo' : 'skipped without a reason');
        counts.reasons.set(why, (counts.reasons.get(why) ?? 0) + 1);
      }
    }
    // A file that could not load (syntax error, failing hook before any test) ran nothing.
    if (m.state() === 'failed' && (tests === 0 || m.errors().length > 0)) counts.failed++;
  }
  return counts;
}

/**
 * The closing lines: one "skipped: N: why" line per skip reason, then the plain last line
 * "661 passed, 0 failed, 24 skipped" (", N skipped" only when tests were skipped).
 */
export function closingLines(c: RunCounts): string[] {
  const base = `${c.passed} passed, ${c.failed} failed`;
  if (!c.skipped) return [base];
  const reasons = [...c.reasons.entries()].sort((a, b) => b[1] - a[1]);
  return [...reasons.map(([r, n]) => `skipped: ${n}: ${r}`), `${base}, ${c.skipped} skipped`];
}

/** Prints the closing line after vitest's own summary, and writes it to .tmp/test-summary.txt for .ci/run. */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>, reason: TestRunEndReason): void {
    const counts = countRun(modules, unhandledErrors.length);
    // A run that failed or was interrupted outside any test (global setup, a crash) is never green.
    if (reason !== 'passed' && counts.failed === 0) counts.failed = 1;
    const lines = closingLines(counts).join('\n');
    const out = path.resolve('.tmp', 'test-summary.txt');
    mkdirSync(path.dirname(out), { recursive: true });
    writeFileSync(out, `${lines}\n`);
    process.stdout.write(`\n${lines}\n`);
  }
}
