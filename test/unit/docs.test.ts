// README.md and .env.example stay true: both are generated from the settings schemas, and every
// command is documented.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { commandCatalog } from '../../handlers/index.js';
import type { z } from 'zod';
import { SETTING_AREAS, SETTINGS } from '../../src/app/config.js';
import { int, setting, settingsArea } from '../../src/core/env-schema.js';
import { SlackEnv } from '../../src/slack/settings.js';
import { README_END, README_START, renderEnvExample, renderReadme } from '../../scripts/settings-docs.js';

const root = path.resolve(import.meta.dirname, '..', '..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const envExample = readFileSync(path.join(root, '.env.example'), 'utf8');
const REGENERATE = 'run `node --import tsx scripts/settings-docs.ts` and commit the result';

describe('documentation of the settings', () => {
  it('.env.example is exactly what the settings schemas generate now', () => {
    expect(envExample, `.env.example is stale: ${REGENERATE}`).toBe(renderEnvExample());
  });

  it('the README settings section is exactly what the settings schemas generate now', () => {
    expect(readme, `README.md's settings table is stale: ${REGENERATE}`).toBe(renderReadme(readme));
  });

  it('the generated text names every setting once, with its default and its description', () => {
    const section = readme.slice(readme.indexOf(README_START), readme.indexOf(README_END));
    for (const [key, s] of Object.entries(SETTINGS)) {
      const rows = section.split('\n').filter((l) => l.startsWith(`| \`${key}\``));
      expect(rows, `README rows for ${key}`).toHaveLength(1);
      expect(rows[0]).toContain(s.doc.replace(/\|/g, '\\|'));
      if (s.default) expect(rows[0]).toContain(`\`${s.default.replace(/\|/g, '\\|')}\``);
      expect(envExample.match(new RegExp(`^${key}=$`, 'gm')), `.env.example lines for ${key}`).toHaveLength(1);
    }
  });

  it('a changed default, description or a new setting makes the generated text differ', () => {
    // The comparisons above are worth something only if the renderers read the schemas themselves.
    const changed = (shape: z.ZodRawShape) => SETTING_AREAS.map((a) => (a === SlackEnv ? settingsArea('Slack', 'changed', shape) : a));
    const newDefault = changed({ ...SlackEnv.shape, PORT: setting(int(0, 65535), { doc: SETTINGS.PORT.doc, default: '3001' }) });
    const newDoc = changed({ ...SlackEnv.shape, PORT: setting(int(0, 65535), { doc: 'Where /healthz listens', default: '3000' }) });
    const added = changed({ ...SlackEnv.shape, SLACK_NEW_SETTING: setting(int(0, 9), { doc: 'A setting nobody documented by hand', default: '1' }) });
    for (const areas of [newDefault, newDoc, added]) {
      expect(renderEnvExample(areas)).not.toBe(envExample);
      expect(renderReadme(readme, areas)).not.toBe(readme);
    }
    expect(renderReadme(readme, newDefault)).toContain('| `PORT` | no | `3001` |');
    expect(renderEnvExample(added)).toMatch(/^# A setting nobody documented by hand\.\n# Default: 1\nSLACK_NEW_SETTING=$/m);
  });

  it('.env.example holds no values, only names and comments', () => {
    for (const line of envExample.split('\n')) {
      if (line.startsWith('#') || line.trim() === '') continue;
      expect(line).toMatch(/^[A-Z0-9_]+=$/);
    }
  });
});

describe('documentation of the commands', () => {
  it('README shows every slash command with an example, and how to start and test', () => {
    for (const spec of commandCatalog()) {
      if (spec.terminalOnly) continue;
      for (const sub of spec.subcommands) {
        if (!sub.hidden) expect(readme, `README lacks ${sub.example}`).toContain(sub.example);
      }
    }
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm test');
  });
});
