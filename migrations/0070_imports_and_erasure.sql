-- History imports: answers imported from another feedback tool are marked, so they can be told apart (and counted).
ALTER TABLE `responses` ADD `imported_at` text;
-- Every address a contact had before its current one: erasure suppresses them all; re-imports check them.
CREATE TABLE `contact_addresses` (
	`contact_id` text NOT NULL,
	`email` text NOT NULL,
	`replaced_at` text NOT NULL,
	PRIMARY KEY(`contact_id`, `email`)
);
CREATE INDEX `contact_addresses_email` ON `contact_addresses` (`email`);
-- Kept whichever code path changes the address (API, admin page, a future one); an erasure (status erased) keeps nothing.
CREATE TRIGGER `contact_addresses_keep` AFTER UPDATE OF `email` ON `contacts`
WHEN OLD.`email` IS NOT NULL AND NEW.`status` <> 'erased' AND (NEW.`email` IS NULL OR NEW.`email` <> OLD.`email`)
BEGIN
	INSERT OR REPLACE INTO `contact_addresses` (`contact_id`, `email`, `replaced_at`) VALUES (OLD.`id`, OLD.`email`, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'));
END;
