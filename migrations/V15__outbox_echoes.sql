-- Which of this desk's own ops the server has sent back. Ops return per
-- scope (the organisation's first), not in this desk's seq order, so a
-- high-water mark would count a branch op as back when only a later
-- organisation op was: that op's values could then lose to an older
-- remote value. Each op is marked when it comes back instead.
ALTER TABLE outbox ADD COLUMN echoed_at TEXT;
UPDATE outbox SET echoed_at = coalesce(acked_at, '')
 WHERE seq <= (SELECT echoed_seq FROM sync_state);
CREATE INDEX outbox_not_echoed ON outbox (seq) WHERE echoed_at IS NULL;
