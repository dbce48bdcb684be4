// Tests that start the bot or the CLI as a real process run what ships: the compiled dist/.
// Build it once before any test file (tsc is incremental, so an unchanged tree costs ~2 s).
import { execFileSync } from 'node:child_process';
import path from 'node:path';

export default function setup(): void {
  const root = path.resolve(import.meta.dirname, '..', '..');
  execFileSync(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
}
