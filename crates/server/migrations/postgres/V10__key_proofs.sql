-- Keys whose holders proved an account's password (an account made before
-- signing registers its first key only as one of these; docs/trust.md).
CREATE TABLE key_proofs (
    user_id TEXT PRIMARY KEY,
    public_key TEXT NOT NULL,
    proven_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    device_id TEXT NOT NULL
);
