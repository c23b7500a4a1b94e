-- The pin of the certificate this desk trusts its server by (from the desk
-- code it joined with); NULL: the server's certificate is checked against
-- the system's certificate authorities.
ALTER TABLE sync_state ADD COLUMN server_pin TEXT;
