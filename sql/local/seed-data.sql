-- AutoRepAi-shaped data for the local workspace, generated in SQL: 12 organizations, 48
-- dealerships, 2,400 users with profiles, roles, 3,000 sessions and 6,000 refresh tokens,
-- 30,000 leads (about 3 % @test.com, which `clear-test-data` removes), 6,000 vehicles, 9,000
-- quotes, 60,000 interactions (a third older than 90 days, which `purge-old-interactions`
-- removes), 60 integrations and 20,000 auth audit entries over the last week with a few failed
-- sign-ins per hour. Deterministic (md5 of the row number), relative to now(). Run once after
-- sql/local/schema.sql on the same connection; no parameters; ends by writing the seed marker.
-- The rows reference each other by construction, so foreign-key triggers are skipped while
-- they go in (session_replication_role, superuser only: the seed runs as the server's owner).
SET session_replication_role = replica;
INSERT INTO public.organizations (id, name, plan, created_at)
SELECT md5('org' || i)::uuid,
       (ARRAY['Northgate', 'Lakeshore', 'Summit', 'Riverbend', 'Prairie', 'Harbor', 'Redwood', 'Maple Leaf', 'Granite', 'Bayview', 'Ironwood', 'Sunset'])[i] || ' Auto Group',
       (ARRAY['starter', 'growth', 'enterprise'])[1 + i % 3],
       now() - make_interval(days => 400 + i * 7)
FROM generate_series(1, 12) AS i;

INSERT INTO public.dealerships (id, organization_id, name, city, region, timezone, created_at)
SELECT md5('dealer' || i)::uuid,
       md5('org' || (1 + (i - 1) % 12))::uuid,
       (ARRAY['Toyota', 'Honda', 'Ford', 'Chevrolet', 'Hyundai', 'Kia', 'Subaru', 'Mazda'])[1 + i % 8] || ' of ' ||
         (ARRAY['Springfield', 'Riverside', 'Fairview', 'Georgetown', 'Madison', 'Clinton', 'Franklin', 'Salem', 'Bristol', 'Dover', 'Oakland', 'Burlington'])[1 + i % 12],
       (ARRAY['Springfield', 'Riverside', 'Fairview', 'Georgetown', 'Madison', 'Clinton', 'Franklin', 'Salem', 'Bristol', 'Dover', 'Oakland', 'Burlington'])[1 + i % 12],
       (ARRAY['ON', 'QC', 'BC', 'NY', 'OH', 'TX', 'CA', 'FL'])[1 + i % 8],
       (ARRAY['America/Toronto', 'America/Montreal', 'America/Vancouver', 'America/New_York', 'America/New_York', 'America/Chicago', 'America/Los_Angeles', 'America/New_York'])[1 + i % 8],
       now() - make_interval(days => 300 + i)
FROM generate_series(1, 48) AS i;

INSERT INTO auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at, last_sign_in_at,
                        raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
SELECT '00000000-0000-0000-0000-000000000000'::uuid,
       md5('user' || i)::uuid,
       'authenticated',
       'authenticated',
       lower((ARRAY['alex', 'sam', 'jordan', 'taylor', 'morgan', 'casey', 'riley', 'jamie', 'avery', 'quinn'])[1 + i % 10]) || '.' ||
         lower((ARRAY['nguyen', 'smith', 'tremblay', 'garcia', 'patel', 'roy', 'brown', 'lee', 'martin', 'wilson', 'khan'])[1 + i % 11]) || i ||
         CASE WHEN i % 40 = 0 THEN '@test.com' ELSE '@dealer' || (1 + i % 48) || '.example' END,
       '$2a$10$' || substr(md5('pw' || i) || md5('salt' || i), 1, 53),
       now() - make_interval(days => 200 - i % 180),
       now() - make_interval(mins => (i * 37) % 20160),
       '{"provider": "email", "providers": ["email"]}'::jsonb,
       jsonb_build_object('full_name', (ARRAY['Alex', 'Sam', 'Jordan', 'Taylor', 'Morgan', 'Casey', 'Riley', 'Jamie', 'Avery', 'Quinn'])[1 + i % 10] || ' ' ||
         (ARRAY['Nguyen', 'Smith', 'Tremblay', 'Garcia', 'Patel', 'Roy', 'Brown', 'Lee', 'Martin', 'Wilson', 'Khan'])[1 + i % 11]),
       now() - make_interval(days => 200 - i % 180),
       now() - make_interval(days => i % 30)
FROM generate_series(1, 2400) AS i;

INSERT INTO public.profiles (id, organization_id, dealership_id, full_name, email, active, created_at)
SELECT u.id, md5('org' || (1 + n % 12))::uuid, md5('dealer' || (1 + n % 48))::uuid,
       u.raw_user_meta_data ->> 'full_name', u.email, n % 97 <> 0, u.created_at
FROM (SELECT id, email, raw_user_meta_data, created_at, row_number() OVER (ORDER BY created_at, id) AS n FROM auth.users) u;

INSERT INTO public.user_roles (user_id, organization_id, role, created_at)
SELECT p.id, p.organization_id,
       (CASE WHEN n % 50 = 0 THEN 'admin' WHEN n % 10 = 0 THEN 'manager' WHEN n % 7 = 0 THEN 'viewer' ELSE 'sales' END)::public.app_role,
       p.created_at
FROM (SELECT id, organization_id, created_at, row_number() OVER (ORDER BY id) AS n FROM public.profiles) p;

INSERT INTO auth.sessions (id, user_id, created_at, updated_at, aal, not_after, refreshed_at, user_agent, ip)
SELECT md5('session' || i)::uuid,
       md5('user' || (1 + (i * 7) % 2400))::uuid,
       now() - make_interval(mins => (i * 13) % 10080),
       now() - make_interval(mins => (i * 7) % 600),
       'aal1',
       NULL,
       (now() - make_interval(mins => (i * 7) % 600))::timestamp,
       (ARRAY['Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 Safari/605.1.15',
              'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36',
              'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148'])[1 + i % 3],
       ('10.' || (i % 200) || '.' || (i * 3 % 250) || '.' || (1 + i % 250))::inet
FROM generate_series(1, 3000) AS i;

INSERT INTO auth.refresh_tokens (instance_id, token, user_id, revoked, created_at, updated_at, parent, session_id)
SELECT '00000000-0000-0000-0000-000000000000'::uuid,
       substr(md5('rt' || i), 1, 12),
       s.user_id::text,
       i % 2 = 0,
       s.created_at + make_interval(mins => i % 2 * 60),
       s.updated_at,
       CASE WHEN i % 2 = 1 THEN substr(md5('rt' || (i - 1)), 1, 12) END,
       s.id
FROM generate_series(1, 6000) AS i
JOIN auth.sessions s ON s.id = md5('session' || (1 + (i - 1) / 2))::uuid;

INSERT INTO public.leads (id, organization_id, dealership_id, first_name, last_name, email, phone, source, status, assigned_to, created_at, updated_at)
SELECT md5('lead' || i)::uuid,
       md5('org' || (1 + i % 12))::uuid,
       md5('dealer' || (1 + i % 48))::uuid,
       (ARRAY['Olivia', 'Liam', 'Emma', 'Noah', 'Charlotte', 'William', 'Amelia', 'Benjamin', 'Sophia', 'Lucas', 'Mia', 'Henry'])[1 + i % 12],
       (ARRAY['Anderson', 'Thompson', 'White', 'Harris', 'Clark', 'Lewis', 'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Hill'])[1 + i % 13],
       CASE WHEN i % 33 = 0 THEN 'qa+' || i || '@test.com' ELSE 'lead' || i || '@mail' || (i % 9) || '.example' END,
       '+1-555-' || lpad(((i * 7919) % 10000)::text, 4, '0'),
       (ARRAY['website', 'ai-chat', 'facebook', 'walk-in', 'autotrader', 'referral'])[1 + i % 6],
       (ARRAY['new', 'new', 'contacted', 'qualified', 'quoted', 'won', 'lost'])[1 + i % 7],
       md5('user' || (1 + i % 2400))::uuid,
       now() - make_interval(mins => (i * 17) % 262800),
       now() - make_interval(mins => (i * 11) % 43200)
FROM generate_series(1, 30000) AS i;

INSERT INTO public.vehicles (id, organization_id, dealership_id, vin, make, model, year, price, status, created_at)
SELECT md5('vehicle' || i)::uuid,
       md5('org' || (1 + i % 12))::uuid,
       md5('dealer' || (1 + i % 48))::uuid,
       upper(substr(md5('vin' || i), 1, 17)),
       (ARRAY['Toyota', 'Honda', 'Ford', 'Chevrolet', 'Hyundai', 'Kia', 'Subaru', 'Mazda'])[1 + i % 8],
       (ARRAY['Corolla', 'Civic', 'F-150', 'Equinox', 'Tucson', 'Sportage', 'Outback', 'CX-5', 'RAV4', 'CR-V'])[1 + i % 10],
       2016 + i % 10,
       round((18000 + (i * 7919) % 52000)::numeric, 2),
       (ARRAY['available', 'available', 'available', 'reserved', 'sold'])[1 + i % 5],
       now() - make_interval(days => i % 365)
FROM generate_series(1, 6000) AS i;

INSERT INTO public.quotes (organization_id, lead_id, vehicle_id, amount, status, created_at)
SELECT md5('org' || (1 + i % 12))::uuid,
       md5('lead' || (1 + (i * 3) % 30000))::uuid,
       md5('vehicle' || (1 + i % 6000))::uuid,
       round((17500 + (i * 6151) % 50000)::numeric, 2),
       (ARRAY['draft', 'sent', 'sent', 'accepted', 'expired'])[1 + i % 5],
       now() - make_interval(mins => (i * 29) % 262800)
FROM generate_series(1, 9000) AS i;

-- A third of the interactions are older than 90 days (the runbook's retention).
INSERT INTO public.interactions (organization_id, lead_id, user_id, channel, content, created_at)
SELECT md5('org' || (1 + i % 12))::uuid,
       md5('lead' || (1 + i % 30000))::uuid,
       md5('user' || (1 + i % 2400))::uuid,
       (ARRAY['chat', 'chat', 'email', 'sms', 'call'])[1 + i % 5],
       (ARRAY['Asked about financing options for a ', 'Booked a test drive of the ', 'Requested a trade-in value against the ',
              'AI chat answered availability of the ', 'Follow-up email about the '])[1 + i % 5] ||
         (ARRAY['Corolla', 'Civic', 'F-150', 'Equinox', 'Tucson', 'Sportage', 'Outback', 'CX-5', 'RAV4', 'CR-V'])[1 + i % 10],
       CASE WHEN i % 3 = 0 THEN now() - make_interval(days => 91 + i % 270, mins => i % 1440)
            ELSE now() - make_interval(days => i % 89, mins => i % 1440) END
FROM generate_series(1, 60000) AS i;

INSERT INTO public.integrations (organization_id, provider, active, config, created_at)
SELECT md5('org' || (1 + i % 12))::uuid,
       (ARRAY['autotrader', 'facebook-leads', 'dealertrack', 'twilio', 'mailgun'])[1 + i % 5],
       i % 11 <> 0,
       jsonb_build_object('account', 'acct_' || substr(md5('acct' || i), 1, 10), 'api_key', 'sk_live_' || substr(md5('key' || i), 1, 24), 'webhook', true),
       now() - make_interval(days => 100 + i)
FROM generate_series(1, 60) AS i;

-- GoTrue's audit trail: sign-ins, token refreshes, sign-outs, and a few failed sign-ins an hour.
INSERT INTO auth.audit_log_entries (instance_id, id, payload, created_at, ip_address)
SELECT '00000000-0000-0000-0000-000000000000'::uuid,
       md5('audit' || i)::uuid,
       json_build_object(
         'action', CASE WHEN i % 25 = 0 THEN 'login_failed' WHEN i % 4 = 0 THEN 'logout' WHEN i % 3 = 0 THEN 'login' ELSE 'token_refreshed' END,
         'actor_id', md5('user' || (1 + (i * 7) % 2400))::uuid,
         'actor_username', 'user' || (1 + (i * 7) % 2400) || '@dealer.example',
         'log_type', CASE WHEN i % 3 = 0 OR i % 25 = 0 THEN 'account' ELSE 'token' END,
         'traits', CASE WHEN i % 25 = 0 THEN json_build_object('provider', 'email', 'error', 'invalid_credentials') ELSE json_build_object('provider', 'email') END
       ),
       now() - make_interval(secs => (i * 30) % 604800),
       '10.' || (i % 200) || '.' || (i * 3 % 250) || '.' || (1 + i % 250)
FROM generate_series(1, 20000) AS i;

RESET session_replication_role;
ANALYZE;
INSERT INTO opsbot_local.seed (version) VALUES (1);
