-- The kind of an enrolment's concession (sibling, staff child,
-- scholarship…), beside its amount and reason, so fee reports can group
-- concessions without a fee plan per category.
ALTER TABLE enrolments ADD COLUMN discount_category TEXT NOT NULL DEFAULT 'NONE'
    CHECK (discount_category IN ('NONE', 'SIBLING', 'STAFF_CHILD', 'SCHOLARSHIP', 'OTHER'));
