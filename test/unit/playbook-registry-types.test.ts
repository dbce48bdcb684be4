// The safety rules live in the types: planted files that break them must not compile, and a
// planted file that keeps them must. One tsc program (the project's own options, through a
// tsconfig that extends it) checks all of them; errors are matched to the file they are in.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

// Each file imports the real registry helpers; `from` is the path of the repository root.
const header = (from: string) => `import { z } from 'zod';
import { definePlaybook, playbookRegistry } from '${from}/src/playbooks/types.js';
import { PLAYBOOKS } from '${from}/playbooks/index.js';
import type { RegistryServices } from '${from}/src/app/registry.js';
import { buildPlaybookRegistry } from '${from}/src/app/registry.js';
const base = {
  title: 'Planted',
  description: 'A playbook planted by a type test.',
  params: z.object({}).strict(),
  paramHelp: {},
  scope: 'count' as const,
  async preview() { return { summary: 'nothing', count: 0, items: [] }; },
  async run() { return { rowsAffected: 0, summary: 'nothing' }; },
};
export const services = {} as RegistryServices;
`;

const PLANTED: Record<string, string> = {
  // A plain object added to the registry next to the real playbooks.
  'literal-in-registry': `export const r = playbookRegistry(...PLAYBOOKS, { ...base, id: 'planted', risk: 'destructive', approvals: 0 });`,
  // Through definePlaybook, then into the full registry of the bot and the CLI.
  'defined-destructive': `const p = definePlaybook({ ...base, id: 'planted', risk: 'destructive', approvals: 0 });
export const r = [...buildPlaybookRegistry(services), p];
export const r2 = playbookRegistry(...r);`,
  // The approval count from a variable: a number is not "at least one".
  'approvals-from-number': `const n: number = 1;
export const r = playbookRegistry({ ...base, id: 'planted', risk: 'destructive', approvals: n });`,
  // A read playbook that reaches for the writing connection.
  'read-uses-admin': `export const r = playbookRegistry(definePlaybook({ ...base, id: 'planted', risk: 'read', approvals: 0,
  async run(ctx) { await ctx.admin.transaction('x', async () => undefined); return { rowsAffected: 0, summary: '' }; } }));`,
  // A preview never gets the writing connection, whatever the risk.
  'preview-uses-admin': `export const r = playbookRegistry(definePlaybook({ ...base, id: 'planted', risk: 'destructive', approvals: 1,
  async preview(ctx) { void ctx.admin; return { summary: '', count: 0, items: [] }; } }));`,
  // The control: the same shapes within the rules compile, so the failures above are the rules'.
  'within-the-rules': `const destructive = definePlaybook({ ...base, id: 'planted-d', risk: 'destructive', approvals: 1,
  async run(ctx) { await ctx.admin.transaction('x', async () => undefined); return { rowsAffected: 0, summary: '' }; } });
const read = definePlaybook({ ...base, id: 'planted-r', risk: 'read', approvals: 0, async run(ctx) { void ctx.target; return { rowsAffected: 0, summary: '' }; } });
export const r = playbookRegistry(...buildPlaybookRegistry(services), destructive, read, { ...base, id: 'planted-w', risk: 'write', approvals: 0 });`,
};

let dir: string;
let errors: Map<string, string[]>;

beforeAll(async () => {
  mkdirSync(join(root, '.tmp'), { recursive: true });
  dir = mkdtempSync(join(root, '.tmp', 'registry-types-'));
  const from = relative(dir, root);
  for (const [name, body] of Object.entries(PLANTED)) writeFileSync(join(dir, `${name}.ts`), `${header(from)}${body}\n`);
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({ extends: join(relative(dir, root), 'tsconfig.json'), compilerOptions: { noEmit: true, skipLibCheck: true, incremental: false }, include: [], files: Object.keys(PLANTED).map((n) => `${n}.ts`) }),
  );
  const tsc = join(root, 'node_modules/typescript/bin/tsc');
  const out = await run(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json'), '--pretty', 'false'], { cwd: root }).then(
    (r) => r.stdout,
    (err: { stdout?: string }) => err.stdout ?? '',
  );
  // Only errors in the planted files count: the rest of the tree is checked by `tsc` itself.
  errors = new Map(Object.keys(PLANTED).map((n) => [n, []]));
  // An error line, then its indented elaboration ("… is not assignable … in property approvals").
  let current: string[] | undefined;
  for (const line of out.split('\n')) {
    const m = /([\w-]+)\.ts\(\d+,\d+\): error (TS\d+: .*)/.exec(line);
    if (m) {
      current = line.includes(dir.split('/').pop()!) ? errors.get(m[1]!) : undefined;
      current?.push(m[2]!);
    } else if (/^\s/.test(line)) current?.push(line.trim());
  }
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the playbook registry holds the safety types', () => {
  it.each(['literal-in-registry', 'defined-destructive', 'approvals-from-number'])('%s: a destructive playbook without approvals does not compile', (name) => {
    // tsc names the property, or the approval counts the value is not among.
    expect(errors.get(name)!.join('\n')).toMatch(/approvals|'1 \| 2'|'0 \| 1 \| 2'/);
  });

  it.each(['read-uses-admin', 'preview-uses-admin'])('%s: no writing connection for a read playbook or a preview', (name) => {
    expect(errors.get(name)!.join('\n')).toMatch(/Property 'admin' does not exist/);
  });

  it('the same playbooks within the rules compile, in the full registry of the bot and the CLI', () => {
    expect(errors.get('within-the-rules')).toEqual([]);
  });
});
