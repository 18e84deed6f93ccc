-- SLA engine: business calendars, layered SLA policies, the clocks of every case, staff
-- notifications, and the record of the "nothing falls through" check.

-- Escalation goes officer -> supervisor -> agency head -> oversight: the agency head is a role.
ALTER TABLE staff_users DROP CONSTRAINT staff_users_role_check;
ALTER TABLE staff_users ADD CONSTRAINT staff_users_role_check CHECK (role IN ('agent', 'officer',
  'supervisor', 'agency_head', 'agency_admin', 'clearing_house', 'oversight', 'sysadmin'));

CREATE TABLE business_calendars (
  id text PRIMARY KEY,
  name text NOT NULL,
  name_sw text NOT NULL,
  time_zone text NOT NULL DEFAULT 'Africa/Nairobi',
  always_open boolean NOT NULL DEFAULT false,
  -- {"mon": [["08:00", "13:00"], ["14:00", "17:00"]], ...}, local to time_zone
  working_hours jsonb NOT NULL DEFAULT '{}',
  -- Public holidays of this country close the calendar ('KE'), from the date-holidays library.
  holiday_country text,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- One-off closures: a gazetted extra holiday, an office move, a system outage.
CREATE TABLE calendar_closures (
  id uuid PRIMARY KEY,
  calendar_id text NOT NULL REFERENCES business_calendars (id),
  starts_at timestamptz NOT NULL,
  ends_at timestamptz NOT NULL,
  reason text NOT NULL,
  created_by uuid REFERENCES staff_users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (ends_at > starts_at)
);
CREATE INDEX calendar_closures_calendar_idx ON calendar_closures (calendar_id, ends_at);

-- An agency works on its calendar; none means the government office-hours calendar.
ALTER TABLE agencies ADD COLUMN calendar_id text REFERENCES business_calendars (id);

-- Layered policies: no agency is the national default; agency, service, type and priority narrow
-- it. For each clock the most specific enabled policy that sets it wins (core/sla/sla-policy.ts).
CREATE TABLE sla_policies (
  id text PRIMARY KEY,
  name text NOT NULL,
  agency_id text REFERENCES agencies (id),
  service_id text REFERENCES services (id),
  case_type text,
  priority text CHECK (priority IN ('P1', 'P2', 'P3', 'P4')),
  calendar_id text REFERENCES business_calendars (id),
  clocks jsonb NOT NULL DEFAULT '{}',
  warn_at_percent integer CHECK (warn_at_percent BETWEEN 1 AND 99),
  breach_actions jsonb NOT NULL DEFAULT '{}',
  escalation jsonb,
  enabled boolean NOT NULL DEFAULT true,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES staff_users (id)
);

-- Each case's clocks, one row per clock. fire_at is the next moment the sweep must act on the
-- clock (a warning, a breach, a repeated escalation), NULL when nothing is pending: the sweep reads
-- only the partial index below, so it costs the same however many clocks are not yet due.
CREATE TABLE case_clocks (
  case_id uuid NOT NULL REFERENCES cases (id),
  clock text NOT NULL,
  status text NOT NULL CHECK (status IN ('running', 'paused', 'met', 'stopped')),
  -- 'wall' counts every minute; 'working' only the calendar's working time.
  mode text NOT NULL CHECK (mode IN ('wall', 'working')),
  calendar_id text NOT NULL,
  target_seconds integer NOT NULL CHECK (target_seconds > 0),
  policy text NOT NULL,
  started_at timestamptz NOT NULL,
  due_at timestamptz,
  warn_at timestamptz,
  paused_at timestamptz,
  remaining_seconds integer,
  met_at timestamptz,
  warned_at timestamptz,
  breached_at timestamptz,
  escalations integer NOT NULL DEFAULT 0,
  fire_at timestamptz,
  PRIMARY KEY (case_id, clock),
  CHECK (status <> 'running' OR due_at IS NOT NULL),
  CHECK (status <> 'paused' OR remaining_seconds IS NOT NULL)
);
CREATE INDEX case_clocks_fire_idx ON case_clocks (fire_at, case_id) WHERE fire_at IS NOT NULL;

-- The next deadline of an open case (its earliest running clock), for queues and the invariant.
ALTER TABLE cases ADD COLUMN next_due_at timestamptz;
ALTER TABLE cases ADD COLUMN escalation_level text NOT NULL DEFAULT 'officer'
  CHECK (escalation_level IN ('officer', 'supervisor', 'agency_head', 'oversight'));
CREATE INDEX cases_agency_due_idx ON cases (agency_id, next_due_at, id) WHERE next_due_at IS NOT NULL;
-- For the nothing-falls-through check: both are empty while all is well, so they cost nothing.
CREATE INDEX cases_open_undated_idx ON cases (id)
  WHERE next_due_at IS NULL AND status IN ('new', 'acknowledged', 'in_progress', 'awaiting_citizen', 'reopened');
CREATE INDEX case_clocks_lost_idx ON case_clocks (case_id)
  WHERE status = 'running' AND breached_at IS NULL AND fire_at IS NULL;

-- What staff are told: warnings, breaches, escalations, reassignments. Shown in the console.
CREATE TABLE staff_notifications (
  id uuid PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES staff_users (id),
  case_id uuid REFERENCES cases (id),
  kind text NOT NULL,
  data jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL,
  read_at timestamptz
);
CREATE INDEX staff_notifications_user_idx ON staff_notifications (user_id, created_at DESC);

-- Each run of the invariant check: what it found, what it repaired, what it could not.
CREATE TABLE sla_checks (
  id uuid PRIMARY KEY,
  ran_at timestamptz NOT NULL,
  open_cases integer NOT NULL,
  findings jsonb NOT NULL,
  repaired integer NOT NULL,
  unrepaired integer NOT NULL
);
CREATE INDEX sla_checks_ran_idx ON sla_checks (ran_at DESC);
