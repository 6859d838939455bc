-- Admin UI sessions (cookie secret stored as SHA-256 only, per-session CSRF token).
CREATE TABLE `admin_sessions` (
	`id_hash` text PRIMARY KEY NOT NULL,
	`actor` text NOT NULL,
	`scopes` text NOT NULL,
	`csrf_token` text NOT NULL,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL
);
CREATE INDEX `admin_sessions_expires` ON `admin_sessions` (`expires_at`);
