-- People sign in as themselves (SPEC §2 user, §9): a role and a status on users, sessions that belong to a user or a
-- token (re-checked on every request), single-use email sign-in links (hash only) and throttled failed sign-ins.
ALTER TABLE `users` ADD `role` text DEFAULT 'analyst' NOT NULL;
ALTER TABLE `users` ADD `status` text DEFAULT 'active' NOT NULL;
ALTER TABLE `users` ADD `deactivated_at` text;
ALTER TABLE `admin_sessions` ADD `user_id` text;
ALTER TABLE `admin_sessions` ADD `token_id` text;
CREATE INDEX `admin_sessions_user` ON `admin_sessions` (`user_id`);
CREATE TABLE `sign_in_links` (
	`id_hash` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL,
	`used_at` text
);
CREATE INDEX `sign_in_links_expires` ON `sign_in_links` (`expires_at`);
CREATE TABLE `sign_in_attempts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`key` text NOT NULL,
	`at` text NOT NULL
);
CREATE INDEX `sign_in_attempts_key` ON `sign_in_attempts` (`key`,`at`);
