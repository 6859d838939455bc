-- SPEC §12 settings: the case SLA in business days (§8: 2 for the top 20 % of revenue, 5 otherwise), editable.
ALTER TABLE `settings` ADD COLUMN `case_sla_top_days` integer DEFAULT 2 NOT NULL;
ALTER TABLE `settings` ADD COLUMN `case_sla_other_days` integer DEFAULT 5 NOT NULL;
