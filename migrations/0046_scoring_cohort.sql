-- True promoter share over trailing 12 months from per-quarter cohort staging (one row per contact invited in the
-- quarter), instead of one window over a year of invitations (2.5–3.7 s per statement at the benchmark scale).
-- And an edited answer now also marks the quarter its invitation was admitted in (its cohort), not only the
-- quarter of its submit.
CREATE TABLE `score_cohort` (
	`period` text NOT NULL,
	`contact_id` text NOT NULL,
	`invited_nps` integer NOT NULL,
	`latest` text,
	`value` integer,
	PRIMARY KEY(`period`, `contact_id`)
) WITHOUT ROWID;

DROP TRIGGER `score_dirty_answer_insert`;
DROP TRIGGER `score_dirty_answer_update`;
DROP TRIGGER `score_dirty_answer_delete`;
CREATE TRIGGER `score_dirty_answer_insert` AFTER INSERT ON `answers` BEGIN
	INSERT INTO score_dirty (kind, at) SELECT 'at', r.submitted_at FROM responses r WHERE r.id = NEW.response_id AND r.status = 'complete'
	UNION ALL SELECT 'at', i.admitted_at FROM responses r JOIN invitations i ON i.id = r.invitation_id
		WHERE r.id = NEW.response_id AND r.status = 'complete' AND i.admitted_at IS NOT NULL;
END;
CREATE TRIGGER `score_dirty_answer_update` AFTER UPDATE ON `answers` BEGIN
	INSERT INTO score_dirty (kind, at) SELECT 'at', r.submitted_at FROM responses r WHERE r.id IN (NEW.response_id, OLD.response_id) AND r.status = 'complete'
	UNION ALL SELECT 'at', i.admitted_at FROM responses r JOIN invitations i ON i.id = r.invitation_id
		WHERE r.id IN (NEW.response_id, OLD.response_id) AND r.status = 'complete' AND i.admitted_at IS NOT NULL;
END;
CREATE TRIGGER `score_dirty_answer_delete` AFTER DELETE ON `answers` BEGIN
	INSERT INTO score_dirty (kind, at) SELECT 'at', r.submitted_at FROM responses r WHERE r.id = OLD.response_id AND r.status = 'complete'
	UNION ALL SELECT 'at', i.admitted_at FROM responses r JOIN invitations i ON i.id = r.invitation_id
		WHERE r.id = OLD.response_id AND r.status = 'complete' AND i.admitted_at IS NOT NULL;
END;
