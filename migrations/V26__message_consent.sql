-- What each guardian agreed to receive: absence alerts and fee reminders
-- go unless they said no; offers and news only once they said yes. A
-- change is audited like any other, and the messages not yet sent that it
-- rules out are withdrawn in the same action. Plain columns with defaults:
-- a desk one schema behind skips them and a row from it takes the defaults.
ALTER TABLE guardians ADD COLUMN alerts_ok INTEGER NOT NULL DEFAULT 1;
ALTER TABLE guardians ADD COLUMN fee_reminders_ok INTEGER NOT NULL DEFAULT 1;
ALTER TABLE guardians ADD COLUMN promotions_ok INTEGER NOT NULL DEFAULT 0;
