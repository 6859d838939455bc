-- Staging of the period being scored (SPEC §7): each contact's latest answers summed per account and snapshot
-- (role, stage, country, segment), built once per period so the overall, role, stage, country and segment cuts and
-- the account sums read a few rows per account instead of every staged answer again. Holds one period at a time.
CREATE TABLE `score_cube` (
	`period` text NOT NULL,
	`account_id` text NOT NULL,
	`role` text NOT NULL,
	`stage` text NOT NULL,
	`country` text,
	`segment` text,
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
	`sow_sum` real
);
