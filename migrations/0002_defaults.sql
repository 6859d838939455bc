-- Defaults every deployment ships with (SPEC §2, §4). Admins edit them through /api/v1.
INSERT INTO settings (id, organization_name, time_zone, fiscal_year_start_month, default_locale, case_nps_max, case_osat_max, case_ces_max)
VALUES (1, 'Quorum', 'UTC', 1, 'en', 6, 2, 3);

INSERT INTO roles (key, label, weight, committee, decision_maker) VALUES
  ('decision_maker', 'Decision maker', 100, 1, 1),
  ('executive_sponsor', 'Executive sponsor', 100, 1, 0),
  ('champion', 'Champion', 100, 1, 0),
  ('finance', 'Finance', 100, 1, 0),
  ('technical_evaluator', 'Technical evaluator', 100, 1, 0),
  ('project_manager', 'Project manager', 100, 0, 0),
  ('end_user', 'End user', 100, 0, 0);

INSERT INTO journey_stages (key, label, position) VALUES
  ('onboarding', 'Onboarding', 1),
  ('implementation', 'Implementation', 2),
  ('adoption', 'Adoption', 3),
  ('support', 'Support', 4),
  ('renewal', 'Renewal', 5),
  ('relationship', 'Relationship', 6);

INSERT INTO frequency_rules (id, scope, match_kind, match_survey_id, match_journey_stage, match_role, per, counts, window_days, max, action) VALUES
  ('contact-cooldown', 'contact', NULL, NULL, NULL, NULL, NULL, 'sent', 14, 1, 'defer'),
  ('relational-twice-a-year', 'contact', 'relational', NULL, NULL, NULL, NULL, 'sent', 150, 1, 'skip'),
  ('transactional-monthly', 'contact', 'transactional', NULL, NULL, NULL, 'survey', 'sent', 30, 1, 'skip'),
  ('account-weekly', 'account', NULL, NULL, NULL, NULL, NULL, 'sent', 7, 5, 'defer');
