"""SOP step 1 into the record: forms into the register, near-duplicates, the register's changes."""
