-- Imports with fuzzy matching (options.fuzzy = flag | skip) report each likely duplicate in the per-row report,
-- next to the errors, naming the existing customer the row resembles.
ALTER TABLE customer_import_error ADD COLUMN duplicate_of uuid;
