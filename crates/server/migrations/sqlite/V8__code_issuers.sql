-- The desk that issued each code: revoking it voids its unused codes, and
-- a code of a revoked desk is refused.
ALTER TABLE enrolment_codes ADD COLUMN issued_by TEXT;
