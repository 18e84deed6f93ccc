-- Triage: administrators' rules, model versions, each case's triage decision, the training
-- examples that officers' routing decisions make, and referrals to agencies not on Baraza.

-- Ordered rules; the first rule to decide something decides it (core/triage/match-rules.ts).
CREATE TABLE triage_rules (
  id text PRIMARY KEY,
  position integer NOT NULL,
  name text NOT NULL,
  enabled boolean NOT NULL DEFAULT true,
  conditions jsonb NOT NULL,
  actions jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by uuid REFERENCES staff_users (id)
);

CREATE TABLE triage_models (
  version text PRIMARY KEY,
  source text NOT NULL CHECK (source IN ('shipped', 'retrained')),
  status text NOT NULL CHECK (status IN ('training', 'ready', 'failed')),
  active boolean NOT NULL DEFAULT false,
  examples integer,
  model bytea,
  evaluation jsonb,
  error text,
  created_at timestamptz NOT NULL DEFAULT now(),
  created_by uuid REFERENCES staff_users (id),
  activated_at timestamptz,
  activated_by uuid REFERENCES staff_users (id),
  CHECK (status <> 'ready' OR model IS NOT NULL)
);
-- At most one active model.
CREATE UNIQUE INDEX triage_models_active_idx ON triage_models (active) WHERE active;

-- The decision made when the case arrived, as shown to staff: what was predicted, with what
-- confidence, by which rule or model version, and why. Written in the same statement as its case;
-- no foreign key, like events: cases are never deleted, and the check would cost every submission
-- a lookup.
CREATE TABLE case_triage (
  case_id uuid PRIMARY KEY,
  model_version text NOT NULL,
  decision jsonb NOT NULL,
  decided_at timestamptz NOT NULL
);

-- Every manual routing, transfer and referral teaches the classifier where such a case belongs.
CREATE TABLE triage_examples (
  id uuid PRIMARY KEY,
  case_id uuid NOT NULL REFERENCES cases (id),
  text text NOT NULL,
  -- An onboarded agency's code, or OTHER for a case that belongs to no agency on Baraza.
  agency_code text NOT NULL,
  source text NOT NULL CHECK (source IN ('routing', 'transfer', 'referral')),
  created_by uuid REFERENCES staff_users (id),
  created_at timestamptz NOT NULL
);
CREATE INDEX triage_examples_created_idx ON triage_examples (created_at);

-- A case for an agency that is not on Baraza is referred to it and stays open with the clearing
-- house until that agency acknowledges the referral.
CREATE TABLE referrals (
  id uuid PRIMARY KEY,
  case_id uuid NOT NULL REFERENCES cases (id),
  agency_id text NOT NULL REFERENCES agencies (id),
  email text,
  note text NOT NULL,
  -- sha256 of the acknowledgement token; the token itself is only in the letter and the e-mail.
  token_hash text NOT NULL UNIQUE,
  created_by uuid NOT NULL REFERENCES staff_users (id),
  created_at timestamptz NOT NULL,
  emailed_at timestamptz,
  email_error text,
  acknowledged_at timestamptz,
  acknowledged_by text,
  acknowledgement_note text
);
CREATE INDEX referrals_case_idx ON referrals (case_id);
CREATE INDEX referrals_open_idx ON referrals (created_at) WHERE acknowledged_at IS NULL;
