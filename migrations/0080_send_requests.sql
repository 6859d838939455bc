-- Manual sends by idempotency key (SPEC §5, house rule "a double-submitted form writes nothing"): the planner's Send
-- form and POST /api/v1/sends with an Idempotency-Key insert this row in the send's first batch, so a repeated submit
-- fails the UNIQUE key and writes nothing; it is answered with the first send's stored outcome.
CREATE TABLE `send_requests` (
	`actor` text NOT NULL,
	`key` text NOT NULL,
	`fingerprint` text NOT NULL,
	`send_id` text NOT NULL,
	`survey_id` text NOT NULL,
	`outcome` text,
	`created_at` text NOT NULL,
	PRIMARY KEY(`actor`, `key`)
);
CREATE INDEX `send_requests_created` ON `send_requests` (`created_at`);
