-- The e-mail reminders sent (workflows/cycle/reminders.ts, activities/reminders.ts): one row per
-- mail, so a retried activity, or a reminder a new run sends again after continue-as-new, finds
-- the row and sends nothing. A moved deadline is a new `due_at`, whose reminders go again.
CREATE TABLE reminders_sent (
  cycle_id text NOT NULL,
  -- the deadline in its round: 'proposals', 'ipr:1', 'adoption:1:3405', 'year-end'
  deadline text NOT NULL,
  due_at timestamptz NOT NULL,
  occasion text NOT NULL CHECK (occasion IN ('before', 'overdue')),
  -- 'admin', a roster id, 'municipality:3405'
  person text NOT NULL,
  email text NOT NULL,
  -- 'smtp', or 'log' for a worker without SMTP settings (the mail went to its log)
  transport text NOT NULL,
  sent_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (cycle_id, deadline, due_at, occasion, person)
);
