// The SQL fixtures of test databases (test/support/fixtures/*.sql), with their `-- include:
// sql/<file>.sql` lines replaced by that file: Supabase's auth tables and platform roles have
// one definition, in sql/local/supabase/, shared with the local workspace's target database.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const INCLUDE = /^-- include: (sql\/[a-z0-9_/-]+\.sql)[ \t]*$/gm;

/** The fixture `name` (supabase, supabase-platform) as one script, includes expanded. */
export function fixtureSql(name: 'supabase' | 'supabase-platform'): string {
  const text = readFileSync(path.join(ROOT, 'test', 'support', 'fixtures', `${name}.sql`), 'utf8');
  return text.replace(INCLUDE, (_line, file: string) => {
    const full = path.join(ROOT, file);
    if (!existsSync(full)) throw new Error(`test/support/fixtures/${name}.sql includes ${file}, which does not exist`);
    return readFileSync(full, 'utf8');
  });
}
