-- A scope's log is kept for a set time (longer than any desk may stay
-- offline); older changes are dropped up to the scope's horizon. Their
-- rows stay, merged, in entity_rows (soft-deleted rows included, so a
-- delete is never forgotten), and a desk whose cursor is behind the
-- horizon downloads the scope again as a snapshot.
ALTER TABLE change_log ADD COLUMN logged_at TEXT;   -- NULL: logged before this column existed
ALTER TABLE scope_counters ADD COLUMN horizon INTEGER NOT NULL DEFAULT 0;
