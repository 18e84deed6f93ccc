-- Issue 5, after review: what the portal's first migration did not yet have.
-- Wrong PINs per case: a six-digit PIN is a million guesses, and rate limits per address alone let
-- a patient guesser with a few addresses through in days. After PIN_ATTEMPTS.max wrong PINs within
-- an hour the case refuses every PIN until the hour is over (core/security/verify-case-pin.ts).
CREATE TABLE IF NOT EXISTS case_pin_failures (
  case_id uuid PRIMARY KEY REFERENCES cases (id),
  window_start timestamptz NOT NULL,
  failures integer NOT NULL
);

-- A message that carries a secret (a case's PIN, a sign-in code) keeps its words only until it has
-- gone or been given up on: the outbox is a way out, not a second copy of every PIN.
ALTER TABLE outbound_messages ADD COLUMN secret boolean NOT NULL DEFAULT false;

-- PINs and codes already in the outbox: marked, and forgotten where they have gone or failed.
UPDATE outbound_messages
SET secret = true, body = CASE WHEN status <> 'queued' THEN '' ELSE body END
WHERE purpose IN ('sign_in_code', 'case_submitted');
