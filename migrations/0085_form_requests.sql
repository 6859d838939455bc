-- One-time form keys (house rule "a double-submitted form writes nothing"), the send_requests mechanism of 0080 for
-- every other admin form that creates something: the page puts a fresh key in the form, the POST claims (actor, key)
-- with a UNIQUE insert before writing, so Back + submit again (or reloading a POST's answer) is refused with a 409.
CREATE TABLE `form_requests` (
	`actor` text NOT NULL,
	`key` text NOT NULL,
	`form` text NOT NULL,
	`created_at` text NOT NULL,
	PRIMARY KEY(`actor`, `key`)
);
CREATE INDEX `form_requests_created` ON `form_requests` (`created_at`);
