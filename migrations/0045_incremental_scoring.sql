-- Incremental scoring (SPEC §7): a run records which periods it computed and which it takes from earlier runs
-- (period_runs), the writers of scoring inputs mark what changed (score_dirty, filled by the triggers below, so no
-- writer has to remember), and each quarter's staging stays until that quarter changes (score_staged).
ALTER TABLE `score_runs` ADD `kind` text DEFAULT 'full' NOT NULL;
ALTER TABLE `score_runs` ADD `base_run_id` text;
ALTER TABLE `score_runs` ADD `plan` text;
ALTER TABLE `score_runs` ADD `period_runs` text;
ALTER TABLE `score_runs` ADD `dirty_through` integer DEFAULT 0 NOT NULL;
ALTER TABLE `score_runs` ADD `failures` integer DEFAULT 0 NOT NULL;

-- kind 'at': the quarter holding instant `at` changed; 'from': every quarter from `at` on; 'all': everything.
CREATE TABLE `score_dirty` (
	`seq` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`at` text
);

CREATE TABLE `score_staged` (
	`period` text PRIMARY KEY NOT NULL,
	`staged_at` text NOT NULL
);

-- Responses: a complete response's quarter (its first submit) and its invitation's cohort quarter.
CREATE TRIGGER `score_dirty_response_insert` AFTER INSERT ON `responses` WHEN NEW.status = 'complete' BEGIN
	INSERT INTO score_dirty (kind, at) VALUES ('at', NEW.submitted_at);
	INSERT INTO score_dirty (kind, at) SELECT 'at', admitted_at FROM invitations WHERE id = NEW.invitation_id AND admitted_at IS NOT NULL;
END;
CREATE TRIGGER `score_dirty_response_update` AFTER UPDATE OF status, submitted_at, account_id, contact_id, role, journey_stage, country, segment, survey_id, survey_version_id, invitation_id ON `responses`
WHEN (NEW.status = 'complete' OR OLD.status = 'complete') AND (NEW.status IS NOT OLD.status OR NEW.submitted_at IS NOT OLD.submitted_at
	OR NEW.account_id IS NOT OLD.account_id OR NEW.contact_id IS NOT OLD.contact_id OR NEW.role IS NOT OLD.role
	OR NEW.journey_stage IS NOT OLD.journey_stage OR NEW.country IS NOT OLD.country OR NEW.segment IS NOT OLD.segment
	OR NEW.survey_id IS NOT OLD.survey_id OR NEW.survey_version_id IS NOT OLD.survey_version_id OR NEW.invitation_id IS NOT OLD.invitation_id) BEGIN
	INSERT INTO score_dirty (kind, at) SELECT 'at', NEW.submitted_at WHERE NEW.submitted_at IS NOT NULL;
	INSERT INTO score_dirty (kind, at) SELECT 'at', OLD.submitted_at WHERE OLD.submitted_at IS NOT NULL AND OLD.submitted_at IS NOT NEW.submitted_at;
	INSERT INTO score_dirty (kind, at) SELECT 'at', admitted_at FROM invitations WHERE id IN (NEW.invitation_id, OLD.invitation_id) AND admitted_at IS NOT NULL;
END;
CREATE TRIGGER `score_dirty_response_delete` AFTER DELETE ON `responses` WHEN OLD.status = 'complete' BEGIN
	INSERT INTO score_dirty (kind, at) VALUES ('at', OLD.submitted_at);
END;

-- Answers of complete responses (autosaves of a response still open mark nothing).
CREATE TRIGGER `score_dirty_answer_insert` AFTER INSERT ON `answers` BEGIN
	INSERT INTO score_dirty (kind, at) SELECT 'at', submitted_at FROM responses WHERE id = NEW.response_id AND status = 'complete';
END;
CREATE TRIGGER `score_dirty_answer_update` AFTER UPDATE ON `answers` BEGIN
	INSERT INTO score_dirty (kind, at) SELECT 'at', submitted_at FROM responses WHERE id IN (NEW.response_id, OLD.response_id) AND status = 'complete';
END;
CREATE TRIGGER `score_dirty_answer_delete` AFTER DELETE ON `answers` BEGIN
	INSERT INTO score_dirty (kind, at) SELECT 'at', submitted_at FROM responses WHERE id = OLD.response_id AND status = 'complete';
END;

-- Invitations: the cohort of the quarter they were admitted in (admitted, ended, completed, moved).
CREATE TRIGGER `score_dirty_invitation_insert` AFTER INSERT ON `invitations` WHEN NEW.admitted_at IS NOT NULL BEGIN
	INSERT INTO score_dirty (kind, at) VALUES ('at', NEW.admitted_at);
END;
CREATE TRIGGER `score_dirty_invitation_update` AFTER UPDATE OF status, admitted_at, contact_id, account_id, survey_id, survey_version_id, journey_stage ON `invitations`
WHEN (NEW.admitted_at IS NOT NULL OR OLD.admitted_at IS NOT NULL) AND (NEW.status IS NOT OLD.status OR NEW.admitted_at IS NOT OLD.admitted_at
	OR NEW.contact_id IS NOT OLD.contact_id OR NEW.account_id IS NOT OLD.account_id OR NEW.survey_id IS NOT OLD.survey_id
	OR NEW.survey_version_id IS NOT OLD.survey_version_id OR NEW.journey_stage IS NOT OLD.journey_stage) BEGIN
	INSERT INTO score_dirty (kind, at) SELECT 'at', NEW.admitted_at WHERE NEW.admitted_at IS NOT NULL;
	INSERT INTO score_dirty (kind, at) SELECT 'at', OLD.admitted_at WHERE OLD.admitted_at IS NOT NULL AND OLD.admitted_at IS NOT NEW.admitted_at;
END;
CREATE TRIGGER `score_dirty_invitation_delete` AFTER DELETE ON `invitations` WHEN OLD.admitted_at IS NOT NULL BEGIN
	INSERT INTO score_dirty (kind, at) VALUES ('at', OLD.admitted_at);
END;

-- Revenue history: every quarter from the change on (the amount valid at a quarter's end).
CREATE TRIGGER `score_dirty_revenue_insert` AFTER INSERT ON `account_revenue` BEGIN
	INSERT INTO score_dirty (kind, at) VALUES ('from', NEW.valid_from);
END;
CREATE TRIGGER `score_dirty_revenue_update` AFTER UPDATE ON `account_revenue` BEGIN
	INSERT INTO score_dirty (kind, at) VALUES ('from', min(NEW.valid_from, OLD.valid_from));
END;
CREATE TRIGGER `score_dirty_revenue_delete` AFTER DELETE ON `account_revenue` BEGIN
	INSERT INTO score_dirty (kind, at) VALUES ('from', OLD.valid_from);
END;

-- Accounts: which are active in a quarter (customer since, churned at); an unknown start means every quarter.
CREATE TRIGGER `score_dirty_account_insert` AFTER INSERT ON `accounts` BEGIN
	INSERT INTO score_dirty (kind, at) VALUES ('from', coalesce(NEW.customer_since, ''));
END;
CREATE TRIGGER `score_dirty_account_update` AFTER UPDATE OF customer_since, churned_at ON `accounts`
WHEN NEW.customer_since IS NOT OLD.customer_since OR NEW.churned_at IS NOT OLD.churned_at BEGIN
	INSERT INTO score_dirty (kind, at) VALUES ('from', min(coalesce(OLD.customer_since, ''), coalesce(NEW.customer_since, ''),
		coalesce(OLD.churned_at, '9999'), coalesce(NEW.churned_at, '9999')));
END;
CREATE TRIGGER `score_dirty_account_delete` AFTER DELETE ON `accounts` BEGIN
	INSERT INTO score_dirty (kind, at) VALUES ('all', NULL);
END;

-- Role weights and flags weigh every period.
CREATE TRIGGER `score_dirty_role_insert` AFTER INSERT ON `roles` BEGIN
	INSERT INTO score_dirty (kind, at) VALUES ('all', NULL);
END;
CREATE TRIGGER `score_dirty_role_update` AFTER UPDATE OF key, weight, committee, decision_maker ON `roles`
WHEN NEW.key IS NOT OLD.key OR NEW.weight IS NOT OLD.weight OR NEW.committee IS NOT OLD.committee OR NEW.decision_maker IS NOT OLD.decision_maker BEGIN
	INSERT INTO score_dirty (kind, at) VALUES ('all', NULL);
END;
CREATE TRIGGER `score_dirty_role_delete` AFTER DELETE ON `roles` BEGIN
	INSERT INTO score_dirty (kind, at) VALUES ('all', NULL);
END;

-- A contact's current role groups its invitations in the response-rate cut by role: from its first invitation on.
CREATE TRIGGER `score_dirty_contact_role` AFTER UPDATE OF role ON `contacts` WHEN NEW.role IS NOT OLD.role BEGIN
	INSERT INTO score_dirty (kind, at) SELECT 'from', min(admitted_at) FROM invitations WHERE contact_id = NEW.id HAVING min(admitted_at) IS NOT NULL;
END;

-- Question types: true promoter share reads whether a survey version asks NPS.
CREATE TRIGGER `score_dirty_survey_version` AFTER UPDATE OF questions ON `survey_versions` WHEN NEW.questions IS NOT OLD.questions BEGIN
	INSERT INTO score_dirty (kind, at) VALUES ('all', NULL);
END;
