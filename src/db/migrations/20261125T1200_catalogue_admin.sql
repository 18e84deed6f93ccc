-- Issue 6: agency administrators keep their services and categories in the console.

-- A service or category an agency no longer offers is retired, not deleted: cases still name it,
-- but citizens and triage no longer see it (core/agencies/reference-cache.ts).
-- `customised` marks a row an administrator has changed; loading a newer directory or catalogue
-- then spares it (db/load-reference-data.ts), so an upgrade never undoes an agency's wording.
ALTER TABLE services ADD COLUMN active boolean NOT NULL DEFAULT true;
ALTER TABLE services ADD COLUMN customised boolean NOT NULL DEFAULT false;
ALTER TABLE categories ADD COLUMN active boolean NOT NULL DEFAULT true;
ALTER TABLE categories ADD COLUMN customised boolean NOT NULL DEFAULT false;
