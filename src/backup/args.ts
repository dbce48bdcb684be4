// /backup and `opsbot backup` arguments. Pure parsing: errors say what is wrong and how to write it.
import { InputError } from '../core/errors.js';

export type BackupArgs =
  | { sub: 'help' }
  | { sub: 'now' }
  | { sub: 'list'; limit: number }
  | { sub: 'verify'; id: string }
  | { sub: 'restore'; id: string; tables: string[]; force?: true }
  | { sub: 'prune' };

export const BACKUP_USAGE = [
  '`/backup now` — take a backup now (pg_dump, checked with pg_restore --list)',
  '`/backup list [n]` — backups, newest first: age, size, duration, verified or not',
  '`/backup verify <id|latest>` — restore into a scratch database and compare every table with the manifest',
  '`/backup restore <id|latest> [table …]` — replace only those tables with the backup’s rows (needs two approvers; takes a safety backup first; add force=yes to restore a backup that is not verified)',
  '`/backup prune` — apply retention now (keeps 7 daily, 4 weekly, 12 monthly by default)',
].join('\n');

const ID = /^\d{8}T\d{6}Z-[0-9a-f]{4,8}$/;
const TABLE = /^[A-Za-z_][A-Za-z0-9_$]{0,62}(\.[A-Za-z_][A-Za-z0-9_$]{0,62})?$/;

function backupIdArg(word: string | undefined, sub: string): string {
  if (!word) throw new InputError(`Which backup? Write \`/backup ${sub} latest\` or \`/backup ${sub} <id>\` with an id from \`/backup list\`.`);
  const id = word.toLowerCase() === 'latest' ? 'latest' : word;
  if (id !== 'latest' && !ID.test(id)) {
    throw new InputError(`"${word.slice(0, 40)}" is not a backup id. Ids look like 20260301T070000Z-3fa2 (see \`/backup list\`), or write \`latest\`.`);
  }
  return id;
}

/** "leads" → "public.leads"; "auth.users" stays. */
function tableArg(word: string): string {
  if (!TABLE.test(word)) throw new InputError(`"${word.slice(0, 60)}" is not a table name. Write tables as schema.table, e.g. \`public.leads auth.users\`.`);
  return word.includes('.') ? word : `public.${word}`;
}

export function parseBackupArgs(text: string): BackupArgs {
  const words = text.trim().split(/[\s,]+/).filter(Boolean);
  const sub = (words[0] ?? 'help').toLowerCase();
  switch (sub) {
    case 'help':
      return { sub: 'help' };
    case 'now':
      if (words.length > 1) throw new InputError('`/backup now` takes no arguments.');
      return { sub: 'now' };
    case 'list': {
      const n = words[1] === undefined ? 10 : Number(words[1]);
      if (!Number.isInteger(n) || n < 1 || n > 100) throw new InputError('`/backup list [n]`: n is a whole number from 1 to 100 (default 10).');
      return { sub: 'list', limit: n };
    }
    case 'verify':
      if (words.length > 2) throw new InputError('`/backup verify <id|latest>` takes one backup.');
      return { sub: 'verify', id: backupIdArg(words[1], 'verify') };
    case 'restore': {
      const rest = words.slice(2);
      const flags = rest.filter((w) => w.includes('='));
      for (const f of flags) {
        if (!/^force=(yes|no)$/i.test(f)) throw new InputError(`"${f.slice(0, 40)}" is not an option of \`/backup restore\`. The only one is force=yes, to restore from a backup that is not verified.`);
      }
      const force = flags.some((f) => /^force=yes$/i.test(f));
      return { sub: 'restore', id: backupIdArg(words[1], 'restore'), tables: [...new Set(rest.filter((w) => !w.includes('=')).map(tableArg))], ...(force ? { force: true as const } : {}) };
    }
    case 'prune':
      return { sub: 'prune' };
    default:
      throw new InputError(`Unknown subcommand "${sub.slice(0, 30)}". Usage:\n${BACKUP_USAGE}`);
  }
}
