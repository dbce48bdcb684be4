// Writes manifest.yml's slash-command usage hints from the command declarations, so Slack's
// hint, /ops help and the parsers cannot disagree. `--check` only reports a difference (exit 1).
// Run: npx tsx scripts/manifest-usage.ts [--check]
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import YAML from 'yaml';
import { commandCatalog } from '../handlers/index.js';
import { usageHint } from '../src/slack/command.js';

const file = path.resolve(import.meta.dirname, '..', 'manifest.yml');

/**
 * manifest.yml with every declared command's usage_hint as the declarations write it. Only the
 * hint lines change, so the file's comments and wrapping stay as people wrote them.
 */
export function manifestWithUsage(text: string): { text: string; changed: string[] } {
  const changed: string[] = [];
  const current = (YAML.parse(text) as { features: { slash_commands: { command: string; usage_hint?: string }[] } }).features.slash_commands;
  let out = text;
  for (const spec of commandCatalog()) {
    if (spec.terminalOnly) continue;
    const entry = current.find((c) => c.command === spec.command);
    const hint = usageHint(spec);
    if (!entry) {
      changed.push(`${spec.command} (missing: add it by hand with its description)`);
      continue;
    }
    if (entry.usage_hint === hint) continue;
    const block = new RegExp(`(- command: ${spec.command.replace('/', '\\/')}\\n(?:\\s+(?!- )\\S.*\\n)*?\\s+usage_hint: ).*`);
    if (!block.test(out)) {
      changed.push(`${spec.command} (no usage_hint line to update)`);
      continue;
    }
    out = out.replace(block, (_m, head: string) => `${head}${JSON.stringify(hint)}`);
    changed.push(spec.command);
  }
  return { text: out, changed };
}

if (process.argv[1] && import.meta.filename === path.resolve(process.argv[1])) {
  const r = manifestWithUsage(readFileSync(file, 'utf8'));
  if (process.argv.includes('--check')) {
    if (r.changed.length > 0) {
      console.error(`manifest.yml usage hints differ from the declarations: ${r.changed.join(', ')}. Run npx tsx scripts/manifest-usage.ts`);
      process.exit(1);
    }
  } else {
    writeFileSync(file, r.text);
    console.log(r.changed.length ? `Updated ${r.changed.join(', ')}.` : 'manifest.yml is up to date.');
  }
}
