// manifest.yml is valid for Slack, and it and the command declarations agree.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { commandCatalog } from '../../handlers/index.js';
import { manifestWithUsage } from '../../scripts/manifest-usage.js';
import { usageHint } from '../../src/slack/command.js';
import { EXTRA_SCOPES, METHOD_SCOPES } from '../../src/slack/scopes.js';

// Only the declarations are read here; the catalog has no services to call.
const COMMANDS = commandCatalog().filter((c) => !c.terminalOnly);

const root = path.resolve(import.meta.dirname, '..', '..');
const schema = JSON.parse(readFileSync(path.join(root, 'test/fixtures/slack-schemas/manifest.schema.1.0.0.json'), 'utf8'));
const manifest = YAML.parse(readFileSync(path.join(root, 'manifest.yml'), 'utf8'));
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function validator() {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  return ajv.compile(schema);
}

describe('manifest.yml', () => {
  it('validates against Slack’s app-manifest schema 1.0.0', () => {
    const validate = validator();
    const ok = validate(manifest);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the schema check is real: a broken manifest fails it', () => {
    const validate = validator();
    const broken = structuredClone(manifest);
    broken.features.slash_commands[0].command = 'health';
    broken.features.bot_user.display_name = 'x'.repeat(81);
    expect(validate(broken)).toBe(false);
    expect(validate.errors?.length).toBeGreaterThanOrEqual(2);
  });

  it('lists exactly the declared commands, each with the usage hint written from its subcommands', () => {
    const inManifest = (manifest.features.slash_commands as { command: string }[]).map((c) => c.command).sort();
    const inRegistry = COMMANDS.map((c) => c.command).sort();
    expect(inManifest).toEqual(inRegistry);
    for (const spec of COMMANDS) {
      const entry = (manifest.features.slash_commands as { command: string; usage_hint?: string }[]).find((c) => c.command === spec.command);
      expect(entry?.usage_hint, spec.command).toBe(usageHint(spec));
    }
  });

  it('the usage hints are generated: the script leaves the manifest as it is, and repairs a stale hint', () => {
    const text = readFileSync(path.join(root, 'manifest.yml'), 'utf8');
    expect(manifestWithUsage(text)).toEqual({ text, changed: [] });
    const stale = text.replace('usage_hint: "[db|frontend|edge|auth|backups|outage]"', 'usage_hint: "[db|frontend]"');
    expect(stale).not.toBe(text);
    expect(manifestWithUsage(stale)).toEqual({ text, changed: ['/health'] });
  });

  it('every subcommand has an example that starts with its command, and a description', () => {
    for (const spec of COMMANDS) {
      for (const sub of spec.subcommands) {
        expect(sub.example.startsWith(spec.command), `${spec.command} ${sub.name}: ${sub.example}`).toBe(true);
        expect(sub.description.length).toBeGreaterThan(10);
      }
    }
  });

  it('asks for exactly the scopes the code uses', () => {
    const files = ['src', 'handlers', 'playbooks'].flatMap((d) => walk(path.join(root, d)));
    const used = new Set<string>(['commands', ...Object.keys(EXTRA_SCOPES)]);
    for (const f of files) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/\.(usergroups|chat|views|users|files|conversations|pins)\.([a-zA-Z]+(?:\.[a-zA-Z]+)?)\(/g)) {
        const method = `${m[1]}.${m[2]}`;
        expect(METHOD_SCOPES, `scope for ${method} (in ${path.relative(root, f)})`).toHaveProperty([method]);
        const scope = METHOD_SCOPES[method];
        if (scope) used.add(scope);
      }
      if (/\.filesUploadV2\(/.test(text)) used.add('files:write');
    }
    expect([...(manifest.oauth_config.scopes.bot as string[])].sort()).toEqual([...used].sort());
  });

  it('enables interactivity and Socket Mode', () => {
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(true);
  });
});

function walk(dir: string): string[] {
  let out: string[] = [];
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out = out.concat(walk(p));
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}
