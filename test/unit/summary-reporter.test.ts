// The run's closing line (test/support/summary-reporter.ts), which `npm test` prints last and
// .ci/run repeats: it must count every outcome, say why tests were skipped, and never be green
// when something failed outside a test. First on hand-made modules, then on real vitest runs of
// small projects written to a temp folder.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TestModule } from 'vitest/node';
import { closingLines, countRun } from '../support/summary-reporter.js';

interface FakeTest {
  state: 'passed' | 'failed' | 'skipped' | 'pending';
  note?: string;
  mode?: 'run' | 'skip' | 'todo';
}

/** The parts of a vitest TestModule that countRun reads. */
function fakeModule(tests: FakeTest[], state: 'passed' | 'failed' | 'skipped' = 'passed', errors: unknown[] = []): TestModule {
  const cases = tests.map((t) => ({ options: { mode: t.mode ?? 'run' }, result: () => ({ state: t.state, note: t.note }) }));
  const module = { children: { allTests: () => cases.values() }, state: () => state, errors: () => errors };
  return module as unknown as TestModule;
}

describe('countRun and closingLines', () => {
  it('counts passed, failed and skipped tests over every module', () => {
    const counts = countRun([
      fakeModule([{ state: 'passed' }, { state: 'passed' }, { state: 'failed' }], 'failed'),
      fakeModule([{ state: 'passed' }, { state: 'skipped', note: 'no pg_dump matching server version 15' }]),
    ]);
    expect(counts).toMatchObject({ passed: 3, failed: 1, skipped: 1 });
    expect(closingLines(counts)).toEqual(['skipped: 1: no pg_dump matching server version 15', '3 passed, 1 failed, 1 skipped']);
  });

  it('says ", N skipped" only when tests were skipped', () => {
    expect(closingLines(countRun([fakeModule([{ state: 'passed' }, { state: 'passed' }])]))).toEqual(['2 passed, 0 failed']);
    expect(closingLines(countRun([]))).toEqual(['0 passed, 0 failed']);
  });

  it('groups skips by reason, most frequent first, one line each; a skip without a note and a todo say so', () => {
    const counts = countRun([
      fakeModule([
        { state: 'skipped', note: 'no chromium' },
        { state: 'skipped', note: 'no pg_dump' },
        { state: 'skipped', note: '  no pg_dump ' },
        { state: 'skipped', mode: 'skip' },
      ]),
      fakeModule([{ state: 'skipped', note: 'no pg_dump' }, { state: 'skipped', mode: 'todo' }]),
    ]);
    expect(counts.skipped).toBe(6);
    expect(closingLines(counts)).toEqual([
      'skipped: 3: no pg_dump',
      'skipped: 1: no chromium',
      'skipped: 1: skipped without a reason',
      'skipped: 1: todo',
      '0 passed, 0 failed, 6 skipped',
    ]);
  });

  it('one reason written with other whitespace (a line break, two spaces) is one reason, on one line', () => {
    const counts = countRun([fakeModule([{ state: 'skipped', note: 'no pg_dump\nhere' }, { state: 'skipped', note: 'no  pg_dump here' }])]);
    expect(closingLines(counts)).toEqual(['skipped: 2: no pg_dump here', '0 passed, 0 failed, 2 skipped']);
  });

  it('a failure outside any test counts as failed: a file that could not load, a hook error, an unhandled error', () => {
    // A file that failed to load ran no test at all.
    expect(countRun([fakeModule([], 'failed')]).failed).toBe(1);
    // A failing afterAll: every test passed, the module carries the error.
    expect(countRun([fakeModule([{ state: 'passed' }], 'failed', [new Error('afterAll')])])).toMatchObject({ passed: 1, failed: 1 });
    // A failed test already explains its failed module: counted once.
    expect(countRun([fakeModule([{ state: 'failed' }], 'failed')]).failed).toBe(1);
    // Unhandled errors and rejections of the run.
    expect(closingLines(countRun([fakeModule([{ state: 'passed' }])], 2))).toEqual(['1 passed, 2 failed']);
  });
});

// The real reporter inside real vitest runs: what `npm test` prints last and writes for .ci/run.
const VITEST = path.resolve(import.meta.dirname, '..', '..', 'node_modules', 'vitest', 'vitest.mjs');
const REPORTER = path.resolve(import.meta.dirname, '..', 'support', 'summary-reporter.ts');
const projects: string[] = [];
afterAll(() => {
  for (const p of projects) rmSync(p, { recursive: true, force: true });
});

/** Runs vitest on a project of `files` (test files use vitest's globals) and returns its output and summary file. */
async function runProject(files: Record<string, string>, globalSetup?: string): Promise<{ code: number; stdout: string; summary: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'opsbot-reporter-'));
  projects.push(dir);
  const config = { test: { include: ['*.test.mjs'], globals: true, pool: 'forks', reporters: [REPORTER], ...(globalSetup ? { globalSetup: ['./setup.mjs'] } : {}) } };
  writeFileSync(path.join(dir, 'vitest.config.mjs'), `export default ${JSON.stringify(config)};\n`);
  if (globalSetup) writeFileSync(path.join(dir, 'setup.mjs'), globalSetup);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  // The outer run's own VITEST_* variables would make the inner vitest think it is a worker.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST')));
  const { code, stdout } = await new Promise<{ code: number; stdout: string }>((resolve) => {
    execFile(process.execPath, [VITEST, 'run', '--root', dir], { cwd: dir, env: { ...env, NO_COLOR: '1' }, timeout: 120_000 }, (err, out) =>
      resolve({ code: err ? Number((err as { code?: unknown }).code ?? 1) : 0, stdout: out }),
    );
  });
  let summary = '';
  try {
    summary = readFileSync(path.join(dir, '.tmp', 'test-summary.txt'), 'utf8');
  } catch {
    summary = '(no summary file)';
  }
  return { code, stdout, summary };
}

const lastLine = (text: string) => text.trimEnd().split('\n').at(-1);

describe('the closing line of a real vitest run', () => {
  it('counts passed, failed, skipped (with why) and a file that could not load; the line is last, and in .tmp/test-summary.txt', { timeout: 150_000 }, async () => {
    const run = await runProject({
      'a.test.mjs': [
        "it('passes', () => {});",
        "it('skips with a note', (ctx) => ctx.skip('no pg_dump matching server version 15'));",
        "it('skips with the same note', (ctx) => ctx.skip('no pg_dump matching server version 15'));",
        "it.skip('skips without a note', () => {});",
        "it.todo('later');",
        "it('fails', () => { throw new Error('boom'); });",
      ].join('\n'),
      'broken.test.mjs': "throw new Error('cannot load');\n",
      'b.test.mjs': "it('passes too', () => {});\n",
    });
    expect(run.code).not.toBe(0);
    const expected = [
      'skipped: 2: no pg_dump matching server version 15',
      'skipped: 1: skipped without a reason',
      'skipped: 1: todo',
      '2 passed, 2 failed, 4 skipped',
    ].join('\n');
    expect(run.summary).toBe(`${expected}\n`);
    expect(run.stdout.trimEnd().endsWith(expected), run.stdout).toBe(true);
  });

  it('a green run says only "N passed, 0 failed"; a global setup that throws and an unhandled rejection are never green', { timeout: 150_000 }, async () => {
    const [green, setupFails, rejection] = await Promise.all([
      runProject({ 'a.test.mjs': "it('one', () => {});\nit('two', () => {});\n" }),
      runProject({ 'a.test.mjs': "it('one', () => {});\n" }, "export default function setup() { throw new Error('no database server'); }\n"),
      runProject({ 'a.test.mjs': "it('one', () => {});\nit('leaks', () => { Promise.reject(new Error('late')); });\n" }),
    ]);
    expect(green.code).toBe(0);
    expect(green.summary).toBe('2 passed, 0 failed\n');
    expect(lastLine(green.stdout)).toBe('2 passed, 0 failed');
    expect(setupFails.code).not.toBe(0);
    expect(setupFails.summary).toBe('0 passed, 1 failed\n');
    expect(rejection.code).not.toBe(0);
    expect(rejection.summary).toBe('2 passed, 1 failed\n');
  });
});
