-- A scope's log is kept for a set time; older changes are dropped up to
-- the scope's horizon (see the SQLite store's V7).
ALTER TABLE change_log ADD COLUMN logged_at TIMESTAMPTZ;
ALTER TABLE change_log ALTER COLUMN logged_at SET DEFAULT now();
ALTER TABLE scope_counters ADD COLUMN horizon BIGINT NOT NULL DEFAULT 0;
