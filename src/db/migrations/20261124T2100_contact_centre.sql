-- Issue 6: the contact-centre desk logs every call with its outcome, so first-contact resolution
-- can be measured (core/console/contact-desk.ts).
CREATE TABLE calls (
  id uuid PRIMARY KEY,
  agent_id uuid NOT NULL REFERENCES staff_users (id),
  agency_id text NOT NULL REFERENCES agencies (id),
  -- The caller's number in E.164, when they gave one.
  phone text,
  citizen_id uuid REFERENCES citizens (id),
  case_id uuid REFERENCES cases (id),
  outcome text NOT NULL CHECK (
    outcome IN ('case_created', 'resolved_first_contact', 'existing_case', 'information_given', 'dropped')
  ),
  note text,
  created_at timestamptz NOT NULL
);
CREATE INDEX calls_agency_created_idx ON calls (agency_id, created_at);
CREATE INDEX calls_phone_idx ON calls (phone, created_at);
