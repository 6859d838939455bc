-- SPEC §5 send window: scheduled work (program slices, due deferrals, delayed event sends, reminders) is released only
-- on working days between these local times (HH:MM, organization time zone).
ALTER TABLE settings ADD COLUMN send_window_start TEXT NOT NULL DEFAULT '09:00';
ALTER TABLE settings ADD COLUMN send_window_end TEXT NOT NULL DEFAULT '17:00';
