-- The lock pile-up drill's blocker, run inside a transaction left open: reserves one vehicle
-- and takes its row lock. Returns nothing. $1 vehicle id (uuid). ROW EXCLUSIVE on
-- public.vehicles and the row lock.
UPDATE public.vehicles SET status = 'reserved' WHERE id = $1::uuid
