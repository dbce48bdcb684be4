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

/**
 * A Supabase-shaped target for the backup tests: the platform fixture (extensions, API roles,
 * grants, RLS, storage) and a few rows in each kind of table a dump must carry.
 */
export async function seedSupabaseShaped(db: { query(text: string): Promise<unknown> }): Promise<void> {
  await db.query(fixtureSql('supabase-platform'));
  await db.query(`
    INSERT INTO auth.users (id, email) SELECT gen_random_uuid(), 'u' || g || '@maple.test' FROM generate_series(1, 5) g;
    INSERT INTO public.organizations (name) VALUES ('Maple Motors');
    INSERT INTO public.profiles (id, organization_id, email) SELECT u.id, o.id, u.email FROM auth.users u, public.organizations o;
    INSERT INTO public.leads (organization_id, first_name) SELECT o.id, 'Lead ' || g FROM public.organizations o, generate_series(1, 20) g;
    INSERT INTO public.interactions (organization_id, lead_id, content) SELECT organization_id, id, 'call' FROM public.leads;
    INSERT INTO public.api_keys (organization_id, label) SELECT id, 'zapier' FROM public.organizations;
    INSERT INTO storage.buckets (id, name) VALUES ('avatars', 'avatars');
    INSERT INTO storage.objects (bucket_id, name, owner) SELECT 'avatars', 'a' || g || '.png', NULL FROM generate_series(1, 3) g;
  `);
}
