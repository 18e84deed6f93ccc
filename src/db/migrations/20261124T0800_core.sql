-- Baraza core schema: reference data, citizens, cases, the hash-chained event log, staff and access.
-- Forward-only: never edit this file once it has landed; add a new one.

CREATE TABLE settings (
  key text PRIMARY KEY,
  value text NOT NULL
);

CREATE TABLE counties (
  code text PRIMARY KEY,            -- '01'..'47', constitutional order
  iso_code text NOT NULL UNIQUE,    -- ISO 3166-2, e.g. KE-47
  name text NOT NULL,
  capital text
);

CREATE TABLE ministries (
  id text PRIMARY KEY,              -- eCitizen dataset identifier
  name text NOT NULL,
  description text
);

-- The directory: every agency we know of. Onboarded agencies (code set) work cases in Baraza;
-- the rest can be referred to but own no queue.
CREATE TABLE agencies (
  id text PRIMARY KEY,
  code text UNIQUE,
  name text NOT NULL,
  name_sw text,
  short_name text,
  kind text NOT NULL DEFAULT 'agency' CHECK (kind IN ('agency', 'clearing_house', 'oversight')),
  onboarded boolean NOT NULL DEFAULT false,
  ministry_id text REFERENCES ministries (id),
  description text,
  url text,
  CHECK (NOT onboarded OR code IS NOT NULL)
);

CREATE TABLE services (
  id text PRIMARY KEY,
  agency_id text NOT NULL REFERENCES agencies (id),
  code text,
  name text NOT NULL,
  name_sw text,
  url text,
  ecitizen_id text,
  UNIQUE (agency_id, code)
);
CREATE INDEX services_agency_idx ON services (agency_id);

CREATE TABLE categories (
  id text PRIMARY KEY,
  agency_id text NOT NULL REFERENCES agencies (id),
  code text NOT NULL,
  name text NOT NULL,
  name_sw text NOT NULL,
  UNIQUE (agency_id, code)
);

CREATE TABLE citizens (
  id uuid PRIMARY KEY,
  name text,
  phone text UNIQUE,                -- E.164
  email text,
  preferred_language text NOT NULL DEFAULT 'en' CHECK (preferred_language IN ('en', 'sw')),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE staff_users (
  id uuid PRIMARY KEY,
  email text NOT NULL UNIQUE,
  name text NOT NULL,
  role text NOT NULL CHECK (role IN ('agent', 'officer', 'supervisor', 'agency_admin', 'clearing_house', 'oversight', 'sysadmin')),
  agency_id text REFERENCES agencies (id),
  password_hash text NOT NULL,
  totp_secret text,
  totp_enabled boolean NOT NULL DEFAULT false,
  failed_logins integer NOT NULL DEFAULT 0,
  locked_until timestamptz,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  CHECK (role = 'sysadmin' OR agency_id IS NOT NULL)
);

CREATE TABLE staff_sessions (
  token_hash text PRIMARY KEY,      -- sha256 of the cookie value; the cookie itself is never stored
  user_id uuid NOT NULL REFERENCES staff_users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  -- 'full', or 'enrol_totp' for an administrator who must set up two-factor before anything else
  scope text NOT NULL DEFAULT 'full' CHECK (scope IN ('full', 'enrol_totp')),
  ip text,
  user_agent text
);
CREATE INDEX staff_sessions_user_idx ON staff_sessions (user_id);

CREATE TABLE api_keys (
  id uuid PRIMARY KEY,
  agency_id text NOT NULL REFERENCES agencies (id),
  name text NOT NULL,
  prefix text NOT NULL UNIQUE,      -- shown to people so they can tell keys apart
  key_hash text NOT NULL,
  created_by uuid REFERENCES staff_users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);

CREATE TABLE cases (
  id uuid PRIMARY KEY,
  reference text NOT NULL UNIQUE,
  type text NOT NULL CHECK (type IN ('complaint', 'concern', 'suggestion', 'compliment', 'inquiry', 'service_request', 'corruption_report')),
  channel text NOT NULL CHECK (channel IN ('web', 'ussd', 'sms', 'email', 'phone', 'walk_in', 'api', 'open311')),
  status text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'acknowledged', 'in_progress', 'awaiting_citizen', 'resolved', 'closed', 'reopened', 'withdrawn', 'merged')),
  priority text NOT NULL DEFAULT 'P3' CHECK (priority IN ('P1', 'P2', 'P3', 'P4')),
  agency_id text NOT NULL REFERENCES agencies (id),   -- the owner queue: an onboarded agency or the clearing house
  queue text NOT NULL DEFAULT 'main' CHECK (queue IN ('main', 'supervisor')),
  service_id text REFERENCES services (id),
  category_id text REFERENCES categories (id),
  subject_agency_id text REFERENCES agencies (id),    -- whom a sealed report is about, when known
  sealed boolean NOT NULL DEFAULT false,
  citizen_id uuid REFERENCES citizens (id),
  language text NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'sw')),
  pin_hash text NOT NULL,
  title text,
  description text NOT NULL,
  county_code text REFERENCES counties (code),
  sub_county text,
  ward text,
  latitude double precision,
  longitude double precision,
  attachments jsonb NOT NULL DEFAULT '[]',
  assignee_id uuid REFERENCES staff_users (id),
  transfer_count integer NOT NULL DEFAULT 0,
  merged_into_id uuid REFERENCES cases (id),
  rating integer CHECK (rating BETWEEN 1 AND 5),
  rating_comment text,
  idempotency_key text,
  idempotency_fingerprint text,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  resolved_at timestamptz,
  closed_at timestamptz,
  CHECK (sealed = (type = 'corruption_report'))
);
-- Queue listing: an agency's cases newest first, with keyset paging on (created_at, id).
CREATE INDEX cases_agency_created_idx ON cases (agency_id, created_at DESC, id DESC);
-- Most submissions carry no key: index only those that do.
CREATE UNIQUE INDEX cases_idempotency_key_idx ON cases (idempotency_key) WHERE idempotency_key IS NOT NULL;
CREATE INDEX cases_assignee_idx ON cases (assignee_id) WHERE assignee_id IS NOT NULL;
CREATE INDEX cases_citizen_idx ON cases (citizen_id) WHERE citizen_id IS NOT NULL;
CREATE INDEX cases_sealed_idx ON cases (created_at DESC, id DESC) WHERE sealed;

-- Append-only, hash-chained event log. Each stream (one per case, plus 'system') is a chain:
-- an event's hash covers its content and the previous event's hash, and the stream head keeps the
-- last hash, so an edited, inserted or removed event breaks the chain (see core/events).
CREATE TABLE event_streams (
  id text PRIMARY KEY,
  seq integer NOT NULL,
  head_hash text NOT NULL
);

-- No foreign keys here: they would lock the parent rows on every append, and the chain already
-- ties every event to its stream head (audit verify reports an event without a head, a head
-- without its events, and any gap). Cases themselves can never be deleted (trigger below).
CREATE TABLE events (
  stream_id text NOT NULL,
  seq integer NOT NULL,
  case_id uuid,
  kind text NOT NULL,
  public boolean NOT NULL DEFAULT false,
  actor_type text NOT NULL CHECK (actor_type IN ('citizen', 'staff', 'api_key', 'system')),
  actor_id text,
  data jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL,
  prev_hash text NOT NULL,
  hash text NOT NULL,
  PRIMARY KEY (stream_id, seq)
);
-- A case's stream id is its id, so the primary key serves a case's timeline: no second index.

-- Append-only is enforced by the database as well as by the code: nobody updates or deletes
-- events through normal means. The hash chain catches whoever gets round this.
CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'events are append-only';
END;
$$;
CREATE TRIGGER events_no_update BEFORE UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION events_append_only();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
  FOR EACH STATEMENT EXECUTE FUNCTION events_append_only();

-- Nothing acknowledged is ever lost: a case is never deleted, whatever the status.
CREATE FUNCTION cases_never_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'cases are never deleted';
END;
$$;
CREATE TRIGGER cases_no_delete BEFORE DELETE ON cases
  FOR EACH ROW EXECUTE FUNCTION cases_never_deleted();
CREATE TRIGGER cases_no_truncate BEFORE TRUNCATE ON cases
  FOR EACH STATEMENT EXECUTE FUNCTION cases_never_deleted();
