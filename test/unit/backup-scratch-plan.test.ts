// In the shapes a real server cannot easily show here: what a verification leaves out of a
// Supabase-shaped archive on a plain scratch server — an extension it does not
// have (with its comment), policies naming absent roles (quoted names too), event triggers
// without a superuser, a database-webhook trigger calling supabase_functions — and the schemas
// it creates for the extensions it can install.
import { describe, expect, it } from 'vitest';
import { planScratchRestore, policyRoles, triggerFunction, type ScratchFacts } from '../../src/backup/scratch-plan.js';

const TOC = [
  '8; 2615 100 SCHEMA - auth postgres',
  '2; 3079 101 EXTENSION - pg_stat_statements ',
  '3624; 0 0 COMMENT - EXTENSION pg_stat_statements ',
  '5; 3079 102 EXTENSION - pg_graphql ',
  '3625; 0 0 COMMENT - EXTENSION pg_graphql ',
  '6; 3079 103 EXTENSION - uuid-ossp ',
  '293; 1255 104 FUNCTION auth uid() supabase_auth_admin',
  '232; 1259 105 TABLE public leads postgres',
  '3607; 0 105 TABLE DATA public leads postgres',
  '3595; 3256 106 POLICY public leads Members read leads postgres',
  '3596; 3256 107 POLICY public leads Everyone postgres',
  '3597; 3256 108 POLICY public leads Odd role postgres',
  '3645; 0 0 COMMENT public POLICY "Odd role" ON leads postgres',
  '3500; 2620 109 TRIGGER public leads notify_crm postgres',
  '3501; 2620 110 TRIGGER public leads touch postgres',
  '3342; 3466 111 EVENT TRIGGER - pgrst_ddl_watch postgres',
];

const DEFS = `
--
-- Name: pg_stat_statements; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS pg_stat_statements WITH SCHEMA extensions;

--
-- Name: pg_graphql; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS pg_graphql WITH SCHEMA graphql;

--
-- Name: uuid-ossp; Type: EXTENSION; Schema: -; Owner: -
--

CREATE EXTENSION IF NOT EXISTS "uuid-ossp" WITH SCHEMA auth;

--
-- Name: leads Members read leads; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY "Members read leads" ON public.leads FOR SELECT TO authenticated, anon USING ((auth.uid() IS NOT NULL));

--
-- Name: leads Everyone; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY "Everyone" ON public.leads AS RESTRICTIVE USING (true);

--
-- Name: leads Odd role; Type: POLICY; Schema: public; Owner: -
--

CREATE POLICY "Odd role" ON public.leads TO "Reporting ""bot""" USING (true);

--
-- Name: leads notify_crm; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER notify_crm AFTER INSERT ON public.leads FOR EACH ROW EXECUTE FUNCTION supabase_functions.http_request('https://crm.example/hook', 'POST', '{}', '{}', '1000');

--
-- Name: leads touch; Type: TRIGGER; Schema: public; Owner: -
--

CREATE TRIGGER touch BEFORE UPDATE ON public.leads FOR EACH ROW EXECUTE FUNCTION auth.uid();

--
-- Name: pgrst_ddl_watch; Type: EVENT TRIGGER; Schema: -; Owner: -
--

CREATE EVENT TRIGGER pgrst_ddl_watch ON ddl_command_end
   EXECUTE FUNCTION extensions.pgrst_ddl_watch();
`;

const plain: ScratchFacts = {
  roles: new Set(['postgres', 'authenticated']),
  extensions: new Set(['pg_stat_statements', 'uuid-ossp', 'pgcrypto']),
  schemas: new Set(['public', 'pg_catalog']),
  superuser: false,
};

describe('planScratchRestore', () => {
  const plan = planScratchRestore(TOC, DEFS, plain);
  const what = plan.skipped.map((s) => `${s.what}: ${s.why}`);

  it('creates the schema an available extension goes into when the archive does not create it', () => {
    // extensions: not dumped → created; auth: the archive creates it itself.
    expect(plan.createSchemas).toEqual(['extensions']);
  });

  it('leaves out an extension the server lacks, and its comment', () => {
    expect(what).toContain('extension pg_graphql: the verify server does not have it (install it there, or verify on the supabase/postgres image)');
    expect(what).toContain('comment on EXTENSION pg_graphql: its object was left out');
    expect(plan.list).not.toContain('5; 3079 102 EXTENSION - pg_graphql ');
    expect(plan.list).toContain('2; 3079 101 EXTENSION - pg_stat_statements ');
  });

  it('leaves out policies naming roles the server lacks, quoted names included; PUBLIC policies stay', () => {
    expect(what).toContain('policy "Members read leads" on public.leads: it names role anon that the verify server does not have');
    expect(what).toContain('policy "Odd role" on public.leads: it names role Reporting "bot" that the verify server does not have');
    expect(what).toContain('comment on POLICY "Odd role" ON leads: its object was left out');
    expect(plan.list).toContain('3596; 3256 107 POLICY public leads Everyone postgres');
  });

  it('leaves out triggers calling functions backups leave out, and event triggers without a superuser', () => {
    expect(what).toContain('trigger notify_crm on public.leads: it runs supabase_functions.http_request(), which lives in a schema backups leave out');
    expect(plan.list).toContain('3501; 2620 110 TRIGGER public leads touch postgres');
    expect(what).toContain('event trigger pgrst_ddl_watch: creating event triggers needs a superuser on the verify server');
    // Data is never left out.
    expect(plan.list).toContain('3607; 0 105 TABLE DATA public leads postgres');
  });

  it('with a superuser, an event trigger whose function is in the archive stays', () => {
    const toc = [...TOC, '294; 1255 112 FUNCTION extensions pgrst_ddl_watch() postgres'];
    const p = planScratchRestore(toc, DEFS, { ...plain, superuser: true });
    expect(p.list).toContain('3342; 3466 111 EVENT TRIGGER - pgrst_ddl_watch postgres');
  });

  it('restores everything it cannot judge (no definitions) rather than skipping it', () => {
    expect(planScratchRestore(TOC, '', plain).list).toEqual(TOC);
  });
});

describe('definition parsing', () => {
  it('reads the role list of a policy in every clause order pg_dump writes', () => {
    expect(policyRoles('CREATE POLICY p ON s.t AS PERMISSIVE FOR ALL TO service_role USING (true) WITH CHECK (true);')).toEqual(['service_role']);
    expect(policyRoles('CREATE POLICY "to TO x" ON "odd schema"."t" TO a, "B c" USING (true);')).toEqual(['a', 'B c']);
    expect(policyRoles('CREATE POLICY p ON s.t USING (true);')).toEqual([]);
  });

  it('reads the function a trigger runs', () => {
    expect(triggerFunction('CREATE TRIGGER x AFTER INSERT ON public.t FOR EACH ROW EXECUTE FUNCTION "my schema".f(\'a\');')).toEqual({ schema: 'my schema', name: 'f' });
    expect(triggerFunction('CREATE TRIGGER x AFTER INSERT ON public.t FOR EACH ROW EXECUTE PROCEDURE f();')).toEqual({ schema: undefined, name: 'f' });
  });
});
