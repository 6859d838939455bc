-- Scoring core (SPEC §7): runs, staging for the running run, results per run. See src/db/schema.ts.
CREATE TABLE `score_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`status` text NOT NULL,
	`trigger` text NOT NULL,
	`requested_by` text,
	`as_of` text NOT NULL,
	`time_zone` text NOT NULL,
	`fiscal_year_start_month` integer NOT NULL,
	`step` integer DEFAULT 0 NOT NULL,
	`total_steps` integer NOT NULL,
	`lease_owner` text,
	`lease_until` text,
	`last_error` text,
	`started_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`finished_at` text
);
CREATE UNIQUE INDEX `score_runs_one_running` ON `score_runs` (`status`) WHERE status = 'running';
CREATE INDEX `score_runs_finished` ON `score_runs` (`status`, `finished_at`);

CREATE TABLE `score_latest` (
	`period` text NOT NULL,
	`type` text NOT NULL,
	`contact_id` text NOT NULL,
	`survey_id` text NOT NULL,
	`latest` text NOT NULL,
	`value` real NOT NULL,
	`account_id` text NOT NULL,
	`role` text NOT NULL,
	`stage` text NOT NULL,
	`country` text,
	`segment` text,
	`is_latest` integer NOT NULL,
	PRIMARY KEY(`period`, `type`, `contact_id`, `survey_id`)
) WITHOUT ROWID;

CREATE TABLE `score_heard` (
	`period` text NOT NULL,
	`account_id` text NOT NULL,
	`contact_id` text NOT NULL,
	`role` text NOT NULL,
	PRIMARY KEY(`period`, `account_id`, `contact_id`, `role`)
) WITHOUT ROWID;

CREATE TABLE `score_accounts` (
	`run_id` text NOT NULL,
	`period` text NOT NULL,
	`account_id` text NOT NULL,
	`revenue` integer NOT NULL,
	`in_scope` integer NOT NULL,
	`nps_n` integer DEFAULT 0 NOT NULL,
	`nps_promoters` integer DEFAULT 0 NOT NULL,
	`nps_detractors` integer DEFAULT 0 NOT NULL,
	`weight_sum` integer DEFAULT 0 NOT NULL,
	`weighted_answer_sum` integer DEFAULT 0 NOT NULL,
	`role_mean_gap` real,
	`osat_n` integer DEFAULT 0 NOT NULL,
	`osat_sum` integer DEFAULT 0 NOT NULL,
	`osat_top` integer DEFAULT 0 NOT NULL,
	`ces_n` integer DEFAULT 0 NOT NULL,
	`ces_sum` integer DEFAULT 0 NOT NULL,
	`ces_top` integer DEFAULT 0 NOT NULL,
	`sow_n` integer DEFAULT 0 NOT NULL,
	`sow_sum` real DEFAULT 0 NOT NULL,
	`heard` integer DEFAULT 0 NOT NULL,
	`decision_maker_heard` integer DEFAULT 0 NOT NULL,
	`committee_roles_heard` integer DEFAULT 0 NOT NULL,
	`contacts_heard_t12` integer DEFAULT 0 NOT NULL,
	`invited` integer DEFAULT 0 NOT NULL,
	`completed` integer DEFAULT 0 NOT NULL,
	`silent` integer,
	`silent_streak` integer,
	`category` text,
	PRIMARY KEY(`run_id`, `period`, `account_id`)
);
CREATE INDEX `score_accounts_account` ON `score_accounts` (`run_id`, `account_id`);

CREATE TABLE `score_groups` (
	`run_id` text NOT NULL,
	`period` text NOT NULL,
	`cut` text NOT NULL,
	`group_key` text NOT NULL,
	`nps_n` integer DEFAULT 0 NOT NULL,
	`nps_promoters` integer DEFAULT 0 NOT NULL,
	`nps_detractors` integer DEFAULT 0 NOT NULL,
	`osat_n` integer DEFAULT 0 NOT NULL,
	`osat_sum` integer DEFAULT 0 NOT NULL,
	`osat_top` integer DEFAULT 0 NOT NULL,
	`ces_n` integer DEFAULT 0 NOT NULL,
	`ces_sum` integer DEFAULT 0 NOT NULL,
	`ces_top` integer DEFAULT 0 NOT NULL,
	`sow_n` integer DEFAULT 0 NOT NULL,
	`sow_sum` real DEFAULT 0 NOT NULL,
	`rw_m` integer DEFAULT 0 NOT NULL,
	`rw_revenue` real DEFAULT 0 NOT NULL,
	`rw_revenue_sq` real DEFAULT 0 NOT NULL,
	`rw_weighted` real DEFAULT 0 NOT NULL,
	`rw_weighted_by_sq` real DEFAULT 0 NOT NULL,
	`rw_weighted_by_sq_sq` real DEFAULT 0 NOT NULL,
	`sow_rw_m` integer DEFAULT 0 NOT NULL,
	`sow_rw_revenue` real DEFAULT 0 NOT NULL,
	`sow_rw_weighted` real DEFAULT 0 NOT NULL,
	`invited` integer DEFAULT 0 NOT NULL,
	`completed` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`run_id`, `period`, `cut`, `group_key`)
);

CREATE TABLE `score_coverage` (
	`run_id` text NOT NULL,
	`period` text NOT NULL,
	`accounts_in_scope` integer NOT NULL,
	`total_revenue` integer NOT NULL,
	`covered_revenue` integer NOT NULL,
	`safe_revenue` integer NOT NULL,
	`passive_revenue` integer NOT NULL,
	`at_risk_revenue` integer NOT NULL,
	`silent_revenue` integer NOT NULL,
	`unsurveyed_revenue` integer NOT NULL,
	`heard_revenue` integer NOT NULL,
	`decision_maker_revenue` integer NOT NULL,
	`single_threaded_accounts` integer NOT NULL,
	`silent_quarter_accounts` integer,
	`silent_quarter_revenue` integer,
	`committee_roles` integer NOT NULL,
	`nps_invited_contacts` integer,
	`true_promoters` integer,
	PRIMARY KEY(`run_id`, `period`)
);
