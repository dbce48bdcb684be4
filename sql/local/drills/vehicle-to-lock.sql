-- The vehicle the lock pile-up drill locks (the one every salesperson is reserving): the first
-- available one. Returns one row (id). No locks.
SELECT id FROM public.vehicles WHERE status = 'available' ORDER BY id LIMIT 1
