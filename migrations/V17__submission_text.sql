-- What a student handed in, as text (typed on a desk or pasted), beside the
-- marks and feedback. A desk one schema behind skips this column when it
-- applies a pulled submission (the applier applies the columns it knows).
ALTER TABLE submissions ADD COLUMN text TEXT NOT NULL DEFAULT '';
