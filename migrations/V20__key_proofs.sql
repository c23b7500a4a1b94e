-- Keys this desk made for accounts that had none on the server (made before
-- signing), and whether the server took their owner's one-time password
-- proof: until it has, the op registering the key and every later op wait
-- (docs/trust.md). Local to this desk.
CREATE TABLE key_proofs (
    user_id     TEXT NOT NULL,
    public_key  TEXT NOT NULL,
    noted_at    TEXT NOT NULL,
    proven_at   TEXT,
    -- Why the server refused the proof (it knows another password).
    refused     TEXT,
    PRIMARY KEY (user_id, public_key)
);
