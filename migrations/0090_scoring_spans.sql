-- Trailing twelve months without their own staging (SPEC §7, §10): each quarter's staged answer says for how many of
-- the following quarters (0–3) it stays the contact's latest — per survey (survey_span) and across surveys
-- (contact_span) — so a T12 reads its four quarters' rows instead of copying a year of answers for every period.
ALTER TABLE `score_latest` ADD `survey_span` integer DEFAULT 3 NOT NULL;
ALTER TABLE `score_latest` ADD `contact_span` integer DEFAULT 3 NOT NULL;
-- Staging from before the spans is rebuilt by the next run; T12 staging is no longer kept.
DELETE FROM `score_staged` WHERE `period` NOT LIKE 'cohort:%';
DELETE FROM `score_latest` WHERE `period` LIKE '%-T12';
