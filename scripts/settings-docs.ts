// Regenerates .env.example and the settings table in README.md from SETTINGS in src/app/config.ts
// (run: node --import tsx scripts/settings-docs.ts). test/unit/docs.test.ts fails when they drift.
import { readFileSync, writeFileSync } from 'node:fs';
import { SETTINGS } from '../src/app/config.js';

// The bot needs all of these; each `opsbot` command only what it uses (src/app/cli/requirements.ts).
const REQUIRED: Record<string, string> = {
  SLACK_BOT_TOKEN: 'bot',
  SLACK_SIGNING_SECRET: 'bot, HTTP mode',
  DATABASE_URL: 'bot; CLI database commands',
  APP_URL: 'bot; `opsbot health [frontend]`',
  SUPABASE_URL: 'bot; `opsbot health [edge\\|auth]`',
  SUPABASE_ANON_KEY: 'bot; `opsbot health [edge\\|auth]`',
};

const entries = Object.entries(SETTINGS) as [string, { doc: string; example?: string; secret?: boolean }][];

const env = [
  '# AutoRepAi ops bot settings. Copy to .env (git-ignored) and fill in; never commit real values.',
  '# Required: SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET (or SLACK_APP_TOKEN), DATABASE_URL, APP_URL,',
  '# SUPABASE_URL, SUPABASE_ANON_KEY. The CLI (opsbot) needs no Slack settings, and each of its',
  '# commands asks only for what it uses (`DATABASE_URL=… opsbot db connections` needs nothing else).',
  '# An empty value means "use the default".',
  '',
];
for (const [k, s] of entries) {
  env.push(`# ${s.doc}.${s.secret ? ' Secret.' : ''}`);
  if (s.example) env.push(`# ${REQUIRED[k] ? 'Example' : 'Default'}: ${s.example}`);
  env.push(`${k}=`, '');
}
writeFileSync('.env.example', env.join('\n'));

const rows = ['| Setting | Required | Default | What it is for |', '| --- | --- | --- | --- |'];
for (const [k, s] of entries) {
  const def = REQUIRED[k] ? '' : s.example ? `\`${s.example}\`` : '—';
  rows.push(`| \`${k}\`${s.secret ? ' 🔒' : ''} | ${REQUIRED[k] ?? 'no'} | ${def} | ${s.doc.replace(/\|/g, '\\|')} |`);
}
const readme = readFileSync('README.md', 'utf8');
const start = '<!-- settings:start -->';
const end = '<!-- settings:end -->';
const a = readme.indexOf(start);
const b = readme.indexOf(end);
if (a < 0 || b < 0) throw new Error('README.md lacks the settings markers');
writeFileSync('README.md', `${readme.slice(0, a + start.length)}\n${rows.join('\n')}\n${readme.slice(b)}`);
