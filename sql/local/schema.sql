-- The target database of the local workspace: a Supabase project running AutoRepAi. The platform
-- schemas and extensions, and the app's public schema with dealerships. Run once on an empty
-- database by src/local/db/seed.ts, after sql/local/supabase/platform-roles.sql and
-- gotrue-schema.sql (shared with the test databases), followed by sql/local/seed-data.sql.
-- No parameters; takes no lock beyond its own DDL.

CREATE SCHEMA IF NOT EXISTS extensions;
CREATE SCHEMA IF NOT EXISTS storage;
CREATE SCHEMA IF NOT EXISTS graphql_public;
CREATE SCHEMA IF NOT EXISTS realtime;
CREATE EXTENSION IF NOT EXISTS pg_stat_statements WITH SCHEMA extensions;
CREATE EXTENSION IF NOT EXISTS pgcrypto WITH SCHEMA extensions;

-- The auth tables (sql/local/supabase/gotrue-schema.sql) are in by now; the drills and the
-- failed sign-ins check read the audit log by time.
CREATE INDEX audit_logs_created_at_idx ON auth.audit_log_entries (created_at);

-- AutoRepAi application schema: organizations own dealerships; people, leads and stock belong
-- to an organization (and usually one of its dealerships).
CREATE TABLE public.organizations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  plan text NOT NULL DEFAULT 'growth',
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.dealerships (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES public.organizations (id) ON DELETE CASCADE,
  name text NOT NULL,
  city text,
  region text,
  timezone text NOT NULL DEFAULT 'America/New_York',
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dealerships_organization_id_idx ON public.dealerships (organization_id);

CREATE TABLE public.profiles (
  id uuid PRIMARY KEY REFERENCES auth.users (id) ON DELETE CASCADE,
  organization_id uuid REFERENCES public.organizations (id),
  dealership_id uuid REFERENCES public.dealerships (id),
  full_name text,
  email text,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TYPE public.app_role AS ENUM ('admin', 'manager', 'sales', 'viewer');

CREATE TABLE public.user_roles (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  user_id uuid NOT NULL REFERENCES auth.users (id) ON DELETE CASCADE,
  organization_id uuid NOT NULL REFERENCES public.organizations (id) ON DELETE CASCADE,
  role public.app_role NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (user_id, organization_id, role)
);

CREATE TABLE public.leads (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES public.organizations (id),
  dealership_id uuid REFERENCES public.dealerships (id),
  first_name text,
  last_name text,
  email text,
  phone text,
  source text,
  status text NOT NULL DEFAULT 'new',
  assigned_to uuid REFERENCES auth.users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX leads_organization_id_idx ON public.leads (organization_id);

CREATE TABLE public.vehicles (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES public.organizations (id),
  dealership_id uuid REFERENCES public.dealerships (id),
  vin text UNIQUE,
  make text,
  model text,
  year integer,
  price numeric(12, 2),
  status text NOT NULL DEFAULT 'available',
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.quotes (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES public.organizations (id),
  lead_id uuid NOT NULL REFERENCES public.leads (id) ON DELETE CASCADE,
  vehicle_id uuid REFERENCES public.vehicles (id),
  amount numeric(12, 2),
  status text NOT NULL DEFAULT 'draft',
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.interactions (
  id bigserial PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES public.organizations (id),
  lead_id uuid REFERENCES public.leads (id) ON DELETE CASCADE,
  user_id uuid REFERENCES auth.users (id),
  channel text NOT NULL DEFAULT 'chat',
  content text,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE public.integrations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  organization_id uuid NOT NULL REFERENCES public.organizations (id),
  provider text NOT NULL,
  active boolean NOT NULL DEFAULT true,
  config jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

GRANT USAGE ON SCHEMA public TO anon, authenticated, service_role;
GRANT ALL ON ALL TABLES IN SCHEMA public TO service_role;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO authenticated;
ALTER TABLE public.leads ENABLE ROW LEVEL SECURITY;
CREATE POLICY "Service role manages leads" ON public.leads FOR ALL TO service_role USING (true) WITH CHECK (true);

-- The seed marker: present once the data below is in (src/local/db/seed.ts reads it).
CREATE SCHEMA opsbot_local;
CREATE TABLE opsbot_local.seed (
  version integer NOT NULL,
  seeded_at timestamptz NOT NULL DEFAULT now(),
  ms integer
);
