-- Creates a database of the local workspace (the target `autorepai` or the state store).
-- {{database}} is the escaped name (a fixed name in src/local/db/seed.ts). No parameters.
CREATE DATABASE {{database}}
