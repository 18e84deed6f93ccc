-- Issue 7: notifications to citizens, and their opt-outs.

-- A citizen who sends STOP (or SITISHA) by SMS, or unsubscribes by e-mail, hears nothing more on
-- that channel until they send START. Kept per address, not per citizen: an anonymous sender has
-- no citizen row, and the gateway knows only the number.
CREATE TABLE message_opt_outs (
  channel text NOT NULL CHECK (channel IN ('sms', 'email')),
  recipient text NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (channel, recipient)
);

-- The event a notification tells the citizen about: (case, event seq). With the dedupe key this
-- is what makes one event one message, however many workers or retries there are.
ALTER TABLE outbound_messages ADD COLUMN event_seq integer;

-- Delivery reports from the SMS gateway: the last status it gave for a message it accepted.
ALTER TABLE outbound_messages ADD COLUMN delivery_status text;
ALTER TABLE outbound_messages ADD COLUMN delivery_failure text;
ALTER TABLE outbound_messages ADD COLUMN delivered_at timestamptz;
CREATE INDEX outbound_messages_provider_id_idx ON outbound_messages (provider_message_id)
  WHERE provider_message_id IS NOT NULL;

-- The language a message is written in, for the e-mail's HTML (lang) and for operators.
ALTER TABLE outbound_messages ADD COLUMN language text CHECK (language IN ('en', 'sw'));

-- A notice whose citizen opted out after it was queued is not sent: 'skipped', not a failure.
ALTER TABLE outbound_messages DROP CONSTRAINT outbound_messages_status_check;
ALTER TABLE outbound_messages ADD CONSTRAINT outbound_messages_status_check
  CHECK (status IN ('queued', 'sent', 'failed', 'skipped'));

-- E-mail from citizens through the inbound-mail webhook (channels/email/receive-mail.ts), one row
-- per Message-ID: a provider's retry finds it and changes nothing.
CREATE TABLE inbound_emails (
  message_id text PRIMARY KEY,
  from_address text NOT NULL,
  subject text NOT NULL,
  outcome text CHECK (outcome IN ('case_created', 'case_answered')),
  case_id uuid REFERENCES cases (id),
  received_at timestamptz NOT NULL
);
