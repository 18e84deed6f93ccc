-- Issue 7: the USSD channel (Africa's Talking). The channel value 'ussd' is in cases.channel since
-- the first migration; these tables hold the menu's sessions, callers' languages and the gateway's
-- end-of-session notifications. Nothing about a session lives in a process's memory, so any web
-- process can answer any hop (channels/ussd/answer-hop.ts).

-- One row per gateway session: the input path (`text`) of the last hop answered and the menu state
-- after it. A retried hop (the same text again) is answered from the stored state, so it has no
-- second effect; the next hop extends the text by "*" and one input. `resumable` marks a session
-- that stopped in the middle of a report: the same phone dialling again soon is offered to continue.
-- `ended_at`: the session's last screen was an END, or a hop came after it had timed out.
CREATE TABLE ussd_sessions (
  session_id text PRIMARY KEY,
  phone text NOT NULL,
  service_code text NOT NULL,
  network_code text,
  text text NOT NULL,
  state jsonb NOT NULL,
  hops integer NOT NULL DEFAULT 1,
  resumable boolean NOT NULL DEFAULT false,
  -- The case the session sent, so its retried last hop and the audit trail both find it.
  case_id uuid REFERENCES cases (id),
  ended_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);
-- The caller's last unfinished session, on the first hop of each new one.
CREATE INDEX ussd_sessions_resumable_idx ON ussd_sessions (phone, updated_at DESC) WHERE resumable;
-- The hourly clean-up of old sessions.
CREATE INDEX ussd_sessions_updated_idx ON ussd_sessions (updated_at);

-- The language each phone number chose on the menu. (A citizen known by the number also has
-- citizens.preferred_language, which the choice updates.)
CREATE TABLE ussd_callers (
  phone text PRIMARY KEY,
  language text NOT NULL CHECK (language IN ('en', 'sw')),
  updated_at timestamptz NOT NULL
);

-- The gateway's end-of-session notifications, as sent (all fields arrive as text), one per session:
-- a repeated notification is kept once.
CREATE TABLE ussd_session_events (
  session_id text PRIMARY KEY,
  phone text,
  service_code text,
  network_code text,
  status text,
  cost text,
  duration_ms bigint,
  hops_count integer,
  input text,
  last_app_response text,
  error_message text,
  gateway_date text,
  received_at timestamptz NOT NULL
);
CREATE INDEX ussd_session_events_received_idx ON ussd_session_events (received_at);
