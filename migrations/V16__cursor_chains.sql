-- Each scope's hash chain as far as this desk has applied it (see the
-- server's change log): '' before the first change; 'unknown' for cursors
-- set before chains existed, taken from the server's next page unchecked.
ALTER TABLE sync_cursors ADD COLUMN chain TEXT NOT NULL DEFAULT '';
UPDATE sync_cursors SET chain = 'unknown' WHERE scope_seq > 0;
