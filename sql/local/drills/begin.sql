-- Opens the transaction the lock pile-up drill's blocker leaves idle. No parameters.
BEGIN
