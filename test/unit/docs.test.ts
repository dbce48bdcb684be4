// README.md and .env.example stay true: every setting and every command is documented.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildCommands } from '../../handlers/index.js';

// Only the commands' metadata is read here; the services are never called.
const COMMANDS = buildCommands({ playbooks: {} } as Parameters<typeof buildCommands>[0]);
import { SETTINGS } from '../../src/app/config.js';

const root = path.resolve(import.meta.dirname, '..', '..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const envExample = readFileSync(path.join(root, '.env.example'), 'utf8');

describe('documentation', () => {
  it('README and .env.example list every setting', () => {
    for (const key of Object.keys(SETTINGS)) {
      expect(readme, `README lacks ${key}`).toContain(`\`${key}\``);
      expect(envExample, `.env.example lacks ${key}`).toMatch(new RegExp(`^${key}=`, 'm'));
    }
  });

  it('.env.example holds no values, only names and comments', () => {
    for (const line of envExample.split('\n')) {
      if (line.startsWith('#') || line.trim() === '') continue;
      expect(line).toMatch(/^[A-Z0-9_]+=$/);
    }
  });

  it('README shows every slash command with an example, and the two commands', () => {
    for (const spec of COMMANDS) {
      for (const u of spec.usage) expect(readme, `README lacks ${u.example}`).toContain(u.example);
    }
    expect(readme).toContain('npm ci && npm start');
    expect(readme).toContain('npm test');
  });
});
