-- Lighter scoring staging (SPEC §10: a full run ≤ 60 s at the benchmark scale).
-- score_latest loses `latest` (submit instant and ids): the staging statement orders answers by it and nothing
-- reads it afterwards, and narrower rows make every later read of the staging cheaper.
-- score_survey_cube: a quarter's answers per survey and account, summed by how many following quarters (0–3) each
-- stays its contact's latest answer in that survey, so a trailing 12 months' survey cut sums four quarters' small
-- tables instead of reading their staged answers again.
DROP TABLE `score_latest`;
CREATE TABLE `score_latest` (
	`period` text NOT NULL,
	`type` text NOT NULL,
	`contact_id` text NOT NULL,
	`survey_id` text NOT NULL,
	`value` real NOT NULL,
	`account_id` text NOT NULL,
	`role` text NOT NULL,
	`stage` text NOT NULL,
	`country` text,
	`segment` text,
	`is_latest` integer NOT NULL,
	`survey_span` integer DEFAULT 3 NOT NULL,
	`contact_span` integer DEFAULT 3 NOT NULL,
	PRIMARY KEY(`period`, `type`, `contact_id`, `survey_id`)
) WITHOUT ROWID;
CREATE TABLE `score_survey_cube` (
	`period` text NOT NULL,
	`survey_id` text NOT NULL,
	`account_id` text NOT NULL,
	`span` integer NOT NULL,
	`nps_n` integer NOT NULL,
	`nps_p` integer NOT NULL,
	`nps_d` integer NOT NULL,
	`nps_sum` integer,
	`osat_n` integer NOT NULL,
	`osat_sum` integer,
	`osat_top` integer NOT NULL,
	`ces_n` integer NOT NULL,
	`ces_sum` integer,
	`ces_top` integer NOT NULL,
	`sow_n` integer NOT NULL,
	`sow_sum` real,
	PRIMARY KEY(`period`, `survey_id`, `account_id`, `span`)
) WITHOUT ROWID;
-- score_cohort holds a row per contact and account invited in the quarter with its invitations, completions and
-- invitations still open, so a quarter's invitations per account (silence) and response rate by role read the cohort
-- instead of the invitations again.
DROP TABLE `score_cohort`;
CREATE TABLE `score_cohort` (
	`period` text NOT NULL,
	`contact_id` text NOT NULL,
	`account_id` text NOT NULL,
	`invited_nps` integer NOT NULL,
	`latest` text,
	`value` integer,
	`invited` integer NOT NULL,
	`completed` integer NOT NULL,
	`still_open` integer NOT NULL,
	PRIMARY KEY(`period`, `contact_id`, `account_id`)
) WITHOUT ROWID;
-- Staging is rebuilt by the next run: every quarter's marker goes.
DELETE FROM `score_staged`;
DELETE FROM `score_heard`;
