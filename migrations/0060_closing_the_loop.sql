-- SPEC §8 closing the loop: cases (recreated: the table was never written), their timeline, routing to teams,
-- and signed webhooks (endpoints, deliveries, every attempt).
DROP TABLE IF EXISTS `cases`;
CREATE TABLE `cases` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`response_id` text,
	`account_id` text NOT NULL,
	`contact_id` text,
	`period` text,
	`status` text DEFAULT 'open' NOT NULL,
	`severity` integer NOT NULL,
	`revenue_percentile` real DEFAULT 0 NOT NULL,
	`top_account` integer DEFAULT 0 NOT NULL,
	`priority` real NOT NULL,
	`team` text,
	`owner_email` text,
	`assignee_email` text,
	`verbatim` text,
	`trigger` text,
	`due_at` text NOT NULL,
	`opened_at` text NOT NULL,
	`acknowledged_at` text,
	`closed_at` text,
	`resolution` text,
	`notified_at` text,
	`escalated_at` text,
	`recheck_invitation_id` text,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
CREATE UNIQUE INDEX `cases_response_once` ON `cases` (`response_id`);
CREATE UNIQUE INDEX `cases_silence_once` ON `cases` (`account_id`,`period`) WHERE type = 'silence';
CREATE INDEX `cases_queue` ON `cases` (`status`,`priority`,`due_at`);
CREATE INDEX `cases_assignee` ON `cases` (`assignee_email`,`status`);
CREATE INDEX `cases_account` ON `cases` (`account_id`);
CREATE INDEX `cases_breach` ON `cases` (`status`,`acknowledged_at`,`due_at`);

CREATE TABLE `case_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`case_id` text NOT NULL,
	`at` text NOT NULL,
	`actor` text NOT NULL,
	`kind` text NOT NULL,
	`ref` text,
	`detail` text
);
CREATE INDEX `case_events_case` ON `case_events` (`case_id`,`id`);
CREATE UNIQUE INDEX `case_events_once` ON `case_events` (`case_id`,`kind`,`ref`);

CREATE TABLE `case_teams` (
	`key` text PRIMARY KEY NOT NULL,
	`label` text NOT NULL,
	`assignee_email` text
);
CREATE TABLE `case_routes` (
	`id` text PRIMARY KEY NOT NULL,
	`position` integer NOT NULL,
	`kind` text NOT NULL,
	`question_id` text,
	`match` text NOT NULL,
	`team` text NOT NULL
);
INSERT INTO case_teams (key, label, assignee_email) VALUES
  ('support', 'Support', NULL),
  ('sales', 'Sales', NULL),
  ('product', 'Product', NULL),
  ('finance', 'Finance', NULL);
INSERT INTO case_routes (id, position, kind, question_id, match, team) VALUES
  ('kw-invoice', 1, 'keyword', NULL, 'invoice', 'finance'),
  ('kw-billing', 2, 'keyword', NULL, 'billing', 'finance'),
  ('kw-price', 3, 'keyword', NULL, 'price', 'sales'),
  ('kw-contract', 4, 'keyword', NULL, 'contract', 'sales'),
  ('kw-bug', 5, 'keyword', NULL, 'bug', 'product'),
  ('kw-feature', 6, 'keyword', NULL, 'feature', 'product'),
  ('kw-support', 7, 'keyword', NULL, 'support', 'support');

-- The one-question re-check sent on close ("did we resolve it?"): a system survey, archived so no journey event or
-- program ever picks it; invitations point at its frozen version like any other.
INSERT INTO surveys (id, name, kind, journey_stage, target_roles, default_locale, texts, questions, status, current_version_id)
VALUES ('sur_case_recheck', 'Case re-check (system)', 'transactional', 'support', '[]', 'en',
  '{"en":{"title":"Did we resolve it?","intro":"You told us about a problem and we worked on it. One question: is it resolved?","emailSubject":"Did we resolve it?"}}',
  '[{"id":"resolved","type":"choice","text":{"en":"Did we resolve it?"},"required":true,"options":[{"value":"yes","label":{"en":"Yes"}},{"value":"no","label":{"en":"No"}}]}]',
  'archived', 'ver_case_recheck');
INSERT INTO survey_versions (id, survey_id, version, questions, texts, default_locale, published_at)
SELECT 'ver_case_recheck', id, 1, questions, texts, 'en', '2026-01-01T00:00:00.000Z' FROM surveys WHERE id = 'sur_case_recheck';

CREATE TABLE `webhook_endpoints` (
	`id` text PRIMARY KEY NOT NULL,
	`url` text NOT NULL,
	`description` text,
	`events` text NOT NULL,
	`format` text DEFAULT 'standard' NOT NULL,
	`secret` text NOT NULL,
	`previous_secret` text,
	`previous_secret_until` text,
	`status` text DEFAULT 'active' NOT NULL,
	`failing_since` text,
	`disabled_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);
CREATE TABLE `webhook_deliveries` (
	`id` text PRIMARY KEY NOT NULL,
	`endpoint_id` text NOT NULL,
	`event_type` text NOT NULL,
	`event_key` text NOT NULL,
	`payload` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`window_start` text NOT NULL,
	`last_status_code` integer,
	`last_error` text,
	`delivered_at` text,
	`dead_at` text,
	`created_at` text NOT NULL
);
CREATE UNIQUE INDEX `webhook_deliveries_once` ON `webhook_deliveries` (`endpoint_id`,`event_key`);
CREATE INDEX `webhook_deliveries_endpoint` ON `webhook_deliveries` (`endpoint_id`,`created_at`);
CREATE INDEX `webhook_deliveries_event` ON `webhook_deliveries` (`event_key`,`status`);
CREATE TABLE `webhook_attempts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`delivery_id` text NOT NULL,
	`endpoint_id` text NOT NULL,
	`at` text NOT NULL,
	`status_code` integer,
	`ok` integer NOT NULL,
	`latency_ms` integer NOT NULL,
	`error` text,
	`response_excerpt` text
);
CREATE INDEX `webhook_attempts_delivery` ON `webhook_attempts` (`delivery_id`,`id`);
