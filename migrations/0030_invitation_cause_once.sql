-- A program wave or a journey event invites a contact to a survey at most once, even under concurrent triggers.
CREATE UNIQUE INDEX `invitations_cause_once` ON `invitations` (`survey_id`,`contact_id`,`cause_type`,`cause_id`) WHERE cause_type IN ('program', 'event');
