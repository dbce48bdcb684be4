// The previous release of the log pipeline, for the log benches to measure beside today's in
// the same run: its sources are taken from git (`git archive`, default the commit before the
// frequency-based miner; BENCH_LOGS_PREVIOUS overrides) into a temporary folder and compiled
// with the project's own build settings, so the bench can run its `opsbot` as a whole process
// and load its analyzer. Nothing of it is kept in the repository; the build is cached in the
// temp folder by revision.
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const PREVIOUS_REV = process.env.BENCH_LOGS_PREVIOUS ?? 'db5e748';
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export interface PreviousRelease {
  rev: string;
  /** bin/opsbot.js of the previous release (runs its compiled dist/). */
  bin: string;
  createLogAnalyzer: () => {
    pushLine(line: string): number | undefined;
    resolve(id: number): number;
    finish(): { templates: { id: string; template: string }[] };
  };
}

let cached: Promise<PreviousRelease | undefined> | undefined;

/** The previous release, built once per process (undefined when git or the build fails). */
export function previousRelease(): Promise<PreviousRelease | undefined> {
  cached ??= build().catch((err: unknown) => {
    console.log(`previous release ${PREVIOUS_REV} unavailable: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    return undefined;
  });
  return cached;
}

/** Points dir/node_modules at this checkout's, replacing a link left by another (or a dangling one). */
function linkModules(dir: string): void {
  const link = path.join(dir, 'node_modules');
  const want = path.join(ROOT, 'node_modules');
  const stat = lstatSync(link, { throwIfNoEntry: false });
  if (stat && !stat.isSymbolicLink()) return;
  if (stat && readlinkSync(link) === want) return;
  if (stat) rmSync(link);
  symlinkSync(want, link, 'dir');
}

async function build(): Promise<PreviousRelease> {
  const rev = execFileSync('git', ['rev-parse', '--short', PREVIOUS_REV], { cwd: ROOT, encoding: 'utf8' }).trim();
  const dir = path.join(tmpdir(), `opsbot-bench-previous-${rev}`);
  const main = path.join(dir, 'dist/src/logs/analyze.js');
  if (!existsSync(main)) {
    mkdirSync(dir, { recursive: true });
    const tar = execFileSync('git', ['archive', rev, 'src', 'handlers', 'playbooks', 'bin', 'sql', 'package.json', 'tsconfig.json', 'tsconfig.build.json'], { cwd: ROOT, maxBuffer: 1 << 28 });
    execFileSync('tar', ['-x', '-C', dir], { input: tar });
    linkModules(dir);
    execFileSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { cwd: dir, stdio: 'inherit' });
  }
  // The cache outlives the checkout that built it: its node_modules link must point at this one.
  linkModules(dir);
  const mod = (await import(pathToFileURL(main).href)) as { createLogAnalyzer: PreviousRelease['createLogAnalyzer'] };
  return { rev, bin: path.join(dir, 'bin/opsbot.js'), createLogAnalyzer: mod.createLogAnalyzer };
}
