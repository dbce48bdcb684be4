-- The account a failed-login storm hammers: a sales user of the seed. Returns id, email. No
-- parameters, no locks.
SELECT id, email FROM auth.users WHERE email NOT LIKE '%@test.com' ORDER BY id LIMIT 1
