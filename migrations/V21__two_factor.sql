-- Two-factor sign-in with time-based codes (RFC 6238; docs/trust.md).
-- users.totp_sealed: the person's TOTP secret, sealed like their signing
-- key with the key their password gives; NULL: not enrolled.
ALTER TABLE users ADD COLUMN totp_sealed TEXT;
-- users.totp_recovery: BLAKE2 digests of their unused one-time recovery
-- codes (80 random bits each), comma-separated.
ALTER TABLE users ADD COLUMN totp_recovery TEXT;
-- The newest 30-second step a code was taken for, per person on this desk:
-- a code signs in once.
ALTER TABLE login_state ADD COLUMN totp_step INTEGER;
