-- The incident reserved or declared under a key. Returns: the row, or none. $1 declare_key
SELECT * FROM opsbot.incidents WHERE declare_key = $1
