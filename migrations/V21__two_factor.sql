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
-- When this desk first saw the person hold a role needing two-factor
-- sign-in without having set it up: the days to do so count from here.
ALTER TABLE login_state ADD COLUMN two_factor_due_since TEXT;
-- roles.two_factor: whether holding the role needs two-factor sign-in.
-- NULL (every role until someone chooses): the default rule, required for
-- roles that collect or void money, run payroll or manage users.
ALTER TABLE roles ADD COLUMN two_factor INTEGER;
