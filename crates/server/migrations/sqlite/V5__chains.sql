-- Each scope's change log is a hash chain: a change's chain is
-- BLAKE2s(the previous change's chain, its op id), the first one's previous
-- being ''. A desk computes the same over what it applies and compares it
-- with the chain the server sends at the end of each page; a difference
-- means it missed or doubled a change, and it downloads that scope again.
-- Rows logged before this column existed are chained when the store opens.
ALTER TABLE change_log ADD COLUMN chain TEXT;
ALTER TABLE scope_counters ADD COLUMN chain TEXT NOT NULL DEFAULT '';
