-- A session of the lock pile-up drill that queues behind the blocker's row lock. $1 vehicle id
-- (uuid). Waits for the row lock of that vehicle.
UPDATE public.vehicles SET price = price WHERE id = $1::uuid
