CREATE TABLE `account_revenue` (
	`account_id` text NOT NULL,
	`valid_from` text NOT NULL,
	`amount` integer NOT NULL,
	PRIMARY KEY(`account_id`, `valid_from`)
);

CREATE TABLE `accounts` (
	`id` text PRIMARY KEY NOT NULL,
	`external_id` text NOT NULL,
	`name` text NOT NULL,
	`annual_revenue` integer NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`customer_since` text,
	`churned_at` text,
	`country` text,
	`segment` text,
	`owner_email` text,
	`owner_name` text,
	`parent_id` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);

CREATE UNIQUE INDEX `accounts_external_id_unique` ON `accounts` (`external_id`);
CREATE INDEX `accounts_status` ON `accounts` (`status`);
CREATE INDEX `accounts_owner` ON `accounts` (`owner_email`);
CREATE TABLE `answer_revisions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`response_id` text NOT NULL,
	`question_id` text NOT NULL,
	`old_value` text,
	`changed_at` text NOT NULL
);

CREATE INDEX `answer_revisions_response` ON `answer_revisions` (`response_id`);
CREATE TABLE `answers` (
	`response_id` text NOT NULL,
	`question_id` text NOT NULL,
	`type` text NOT NULL,
	`num_value` integer,
	`text_value` text,
	`choice_values` text,
	`vendor_count` integer,
	`vendor_rank` integer,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	PRIMARY KEY(`response_id`, `question_id`)
);

CREATE INDEX `answers_type` ON `answers` (`type`,`response_id`);
CREATE TABLE `api_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`token_hash` text NOT NULL,
	`scopes` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`revoked_at` text,
	`last_used_at` text
);

CREATE UNIQUE INDEX `api_tokens_token_hash_unique` ON `api_tokens` (`token_hash`);
CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` text NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`entity_type` text NOT NULL,
	`entity_id` text,
	`detail` text
);

CREATE INDEX `audit_log_entity` ON `audit_log` (`entity_type`,`entity_id`);
CREATE INDEX `audit_log_at` ON `audit_log` (`at`);
CREATE TABLE `cases` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`response_id` text,
	`account_id` text NOT NULL,
	`contact_id` text,
	`period` text,
	`status` text DEFAULT 'open' NOT NULL,
	`severity` integer NOT NULL,
	`priority` real NOT NULL,
	`team` text,
	`owner_email` text,
	`assignee_email` text,
	`verbatim` text,
	`due_at` text NOT NULL,
	`opened_at` text NOT NULL,
	`acknowledged_at` text,
	`closed_at` text,
	`resolution` text,
	`recheck_invitation_id` text
);

CREATE UNIQUE INDEX `cases_response_id_unique` ON `cases` (`response_id`);
CREATE UNIQUE INDEX `cases_silence_once` ON `cases` (`account_id`,`period`,`type`);
CREATE INDEX `cases_queue` ON `cases` (`status`,`priority`,`due_at`);
CREATE TABLE `contacts` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`email` text,
	`name` text,
	`role` text NOT NULL,
	`locale` text DEFAULT 'en' NOT NULL,
	`status` text DEFAULT 'active' NOT NULL,
	`prn` real NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);

CREATE UNIQUE INDEX `contacts_email_unique` ON `contacts` (`email`);
CREATE INDEX `contacts_account` ON `contacts` (`account_id`,`status`);
CREATE INDEX `contacts_prn` ON `contacts` (`status`,`prn`);
CREATE TABLE `deliveries` (
	`idempotency_key` text PRIMARY KEY NOT NULL,
	`invitation_id` text NOT NULL,
	`kind` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`provider` text NOT NULL,
	`provider_message_id` text,
	`last_error` text,
	`claimed_at` text NOT NULL,
	`sent_at` text
);

CREATE TABLE `frequency_rules` (
	`id` text PRIMARY KEY NOT NULL,
	`scope` text NOT NULL,
	`match_kind` text,
	`match_survey_id` text,
	`match_journey_stage` text,
	`match_role` text,
	`per` text,
	`counts` text NOT NULL,
	`window_days` integer NOT NULL,
	`max` integer NOT NULL,
	`action` text NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);

CREATE TABLE `holidays` (
	`date` text PRIMARY KEY NOT NULL,
	`label` text NOT NULL
);

CREATE TABLE `invitation_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`invitation_id` text NOT NULL,
	`status` text NOT NULL,
	`at` text NOT NULL,
	`detail` text
);

CREATE INDEX `invitation_events_invitation` ON `invitation_events` (`invitation_id`);
CREATE TABLE `invitations` (
	`id` text PRIMARY KEY NOT NULL,
	`survey_id` text NOT NULL,
	`survey_version_id` text NOT NULL,
	`contact_id` text NOT NULL,
	`account_id` text NOT NULL,
	`kind` text NOT NULL,
	`journey_stage` text NOT NULL,
	`status` text NOT NULL,
	`blocking_rule` text,
	`cause_type` text NOT NULL,
	`cause_id` text,
	`scheduled_for` text,
	`deferred_since` text,
	`admitted_at` text,
	`sent_at` text,
	`opened_at` text,
	`started_at` text,
	`completed_at` text,
	`expires_at` text,
	`reminder_sent_at` text,
	`revoked_at` text,
	`override_reason` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);

CREATE INDEX `invitations_contact_admitted` ON `invitations` (`contact_id`,`admitted_at`);
CREATE INDEX `invitations_account_admitted` ON `invitations` (`account_id`,`admitted_at`);
CREATE INDEX `invitations_status_due` ON `invitations` (`status`,`scheduled_for`);
CREATE INDEX `invitations_survey_contact` ON `invitations` (`survey_id`,`contact_id`);
CREATE INDEX `invitations_admitted` ON `invitations` (`admitted_at`);
CREATE TABLE `journey_events` (
	`id` text PRIMARY KEY NOT NULL,
	`type` text NOT NULL,
	`stage` text NOT NULL,
	`account_id` text NOT NULL,
	`contact_id` text,
	`occurred_at` text NOT NULL,
	`received_at` text NOT NULL,
	`result` text
);

CREATE TABLE `journey_stages` (
	`key` text PRIMARY KEY NOT NULL,
	`label` text NOT NULL,
	`position` integer NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);

CREATE TABLE `outbox` (
	`id` text PRIMARY KEY NOT NULL,
	`invitation_id` text,
	`kind` text NOT NULL,
	`to_email` text NOT NULL,
	`from_name` text NOT NULL,
	`reply_to` text,
	`subject` text NOT NULL,
	`text_body` text NOT NULL,
	`html_body` text NOT NULL,
	`headers` text NOT NULL,
	`survey_url` text,
	`unsubscribe_url` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);

CREATE INDEX `outbox_created` ON `outbox` (`created_at`);
CREATE TABLE `responses` (
	`id` text PRIMARY KEY NOT NULL,
	`invitation_id` text NOT NULL,
	`survey_id` text NOT NULL,
	`survey_version_id` text NOT NULL,
	`contact_id` text NOT NULL,
	`status` text NOT NULL,
	`account_id` text NOT NULL,
	`role` text NOT NULL,
	`journey_stage` text NOT NULL,
	`country` text,
	`segment` text,
	`revenue` integer,
	`first_opened_at` text,
	`first_answer_at` text,
	`submitted_at` text,
	`seconds_to_complete` integer,
	`prior_unanswered_invitations` integer,
	`prior_reminders` integer,
	`device_class` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);

CREATE UNIQUE INDEX `responses_invitation_id_unique` ON `responses` (`invitation_id`);
CREATE INDEX `responses_status_submitted` ON `responses` (`status`,`submitted_at`);
CREATE INDEX `responses_contact` ON `responses` (`contact_id`,`submitted_at`);
CREATE INDEX `responses_account` ON `responses` (`account_id`,`submitted_at`);
CREATE TABLE `roles` (
	`key` text PRIMARY KEY NOT NULL,
	`label` text NOT NULL,
	`weight` integer DEFAULT 100 NOT NULL,
	`committee` integer DEFAULT false NOT NULL,
	`decision_maker` integer DEFAULT false NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);

CREATE TABLE `settings` (
	`id` integer PRIMARY KEY NOT NULL,
	`organization_name` text NOT NULL,
	`time_zone` text NOT NULL,
	`fiscal_year_start_month` integer NOT NULL,
	`default_locale` text NOT NULL,
	`case_nps_max` integer NOT NULL,
	`case_osat_max` integer NOT NULL,
	`case_ces_max` integer NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);

CREATE TABLE `suppressions` (
	`email_hmac` text PRIMARY KEY NOT NULL,
	`reason` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);

CREATE TABLE `survey_versions` (
	`id` text PRIMARY KEY NOT NULL,
	`survey_id` text NOT NULL,
	`version` integer NOT NULL,
	`questions` text NOT NULL,
	`texts` text NOT NULL,
	`default_locale` text NOT NULL,
	`published_at` text NOT NULL
);

CREATE UNIQUE INDEX `survey_versions_number` ON `survey_versions` (`survey_id`,`version`);
CREATE TABLE `surveys` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`kind` text NOT NULL,
	`journey_stage` text NOT NULL,
	`target_roles` text NOT NULL,
	`default_locale` text DEFAULT 'en' NOT NULL,
	`texts` text NOT NULL,
	`questions` text NOT NULL,
	`status` text DEFAULT 'draft' NOT NULL,
	`current_version_id` text,
	`delay_days` integer DEFAULT 0 NOT NULL,
	`waves_per_year` integer DEFAULT 4 NOT NULL,
	`fraction_per_wave` real DEFAULT 0.5 NOT NULL,
	`program_epoch` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);

CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`name` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')) NOT NULL
);

CREATE UNIQUE INDEX `users_email_unique` ON `users` (`email`);