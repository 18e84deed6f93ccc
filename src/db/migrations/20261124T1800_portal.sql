-- Citizen portal (issue 5): files citizens attach, sign-in by one-time code, claimed cases, and
-- messages sent to citizens (SMS and e-mail copies). Forward-only: never edit once landed.

-- Files attached to a case or to a citizen's answer. Kept in the database: one server on a LAN
-- has no object store, and a backup of the database is then a backup of everything. Images are
-- re-encoded before they get here, so no location or device metadata is stored.
CREATE TABLE uploads (
  id uuid PRIMARY KEY,
  -- sha256 of the random token the uploader holds until the upload is attached to a case.
  token_hash text NOT NULL,
  case_id uuid REFERENCES cases (id),
  -- The event that carried it (the submission, or a citizen's answer), once attached.
  event_seq integer,
  name text NOT NULL,
  content_type text NOT NULL CHECK (content_type IN ('image/jpeg', 'image/png', 'application/pdf')),
  size integer NOT NULL CHECK (size > 0),
  sha256 text NOT NULL,
  content bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  attached_at timestamptz
);
CREATE INDEX uploads_case_idx ON uploads (case_id, created_at) WHERE case_id IS NOT NULL;
-- Uploads never attached (an abandoned form) are removed after a day.
CREATE INDEX uploads_unattached_idx ON uploads (created_at) WHERE case_id IS NULL;

-- One-time sign-in codes, sent by SMS or e-mail. Only a hash of the code is kept.
CREATE TABLE citizen_login_codes (
  id uuid PRIMARY KEY,
  -- 'phone:+2547…' or 'email:name@example.org' (lower case)
  identity text NOT NULL,
  code_hash text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  failed_attempts integer NOT NULL DEFAULT 0,
  used_at timestamptz,
  requested_ip text
);
CREATE INDEX citizen_login_codes_identity_idx ON citizen_login_codes (identity, created_at DESC);
-- For the limit on codes asked for from one address.
CREATE INDEX citizen_login_codes_ip_idx ON citizen_login_codes (requested_ip, created_at)
  WHERE requested_ip IS NOT NULL;

CREATE TABLE citizen_sessions (
  token_hash text PRIMARY KEY,
  identity text NOT NULL,
  created_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX citizen_sessions_identity_idx ON citizen_sessions (identity);

-- Cases a signed-in citizen added to "My cases" with the reference and PIN. The case itself stays
-- as it was: an anonymous report stays anonymous to the agency.
CREATE TABLE citizen_case_claims (
  identity text NOT NULL,
  case_id uuid NOT NULL REFERENCES cases (id),
  claimed_at timestamptz NOT NULL,
  PRIMARY KEY (identity, case_id)
);

CREATE INDEX citizens_email_idx ON citizens (lower(email)) WHERE email IS NOT NULL;

-- Every message Baraza sends a citizen, written before it is handed to the provider, so none is
-- lost and none is sent twice (a unique key per purpose).
CREATE TABLE outbound_messages (
  id uuid PRIMARY KEY,
  channel text NOT NULL CHECK (channel IN ('sms', 'email')),
  recipient text NOT NULL,
  subject text,
  body text NOT NULL,
  case_id uuid REFERENCES cases (id),
  purpose text NOT NULL,
  dedupe_key text NOT NULL UNIQUE,
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'sent', 'failed')),
  provider text,
  provider_message_id text,
  error text,
  attempts integer NOT NULL DEFAULT 0,
  -- When a queued message may next be claimed: a claim pushes it past the longest a send can
  -- take (so a sender that dies mid-send does not strand it), a failure by the retry back-off.
  next_attempt_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL,
  sent_at timestamptz
);
CREATE INDEX outbound_messages_queued_idx ON outbound_messages (next_attempt_at) WHERE status = 'queued';
CREATE INDEX outbound_messages_recipient_idx ON outbound_messages (recipient, created_at DESC);

-- Whether citizens tracking a case see the name of the officer handling it (issue 5: "the agency,
-- not the officer's name unless the agency allows"). Off unless the agency's administrator says so.
ALTER TABLE agencies ADD COLUMN show_officer_names boolean NOT NULL DEFAULT false;

