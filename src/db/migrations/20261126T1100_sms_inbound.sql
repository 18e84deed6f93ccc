-- Issue 7: the SMS channel (Africa's Talking). Every message the gateway delivers to the shortcode,
-- kept once under the gateway's own id: a repeated delivery of the same id (the gateway retrying,
-- or sending it twice at once) finds its row and makes no second case and no second reply
-- (channels/sms/answer-sms.ts).

CREATE TABLE inbound_sms (
  -- The gateway's message id (`id`, ATXid_...).
  id text PRIMARY KEY,
  -- `from` as the gateway sent it: E.164 for a phone; anything else is recorded and not answered.
  sender text NOT NULL,
  -- `to`: the shortcode or number the citizen wrote to.
  recipient text NOT NULL,
  text text NOT NULL,
  -- `date`, as the gateway wrote it (its zone is not stated).
  gateway_date text,
  -- Premium (on-demand) messages only; a reply to one would have to send it back.
  link_id text,
  network_code text,
  -- What was done: NULL while a handler is at it.
  outcome text CHECK (outcome IN ('case_created', 'case_answered', 'status', 'help', 'opted_out',
    'opted_in', 'info', 'too_long', 'ignored')),
  -- The case the message made or joined; for an answer, written before the case is touched, so a
  -- handler taking over after a crash answers the same case.
  case_id uuid REFERENCES cases (id),
  reply_message_id uuid REFERENCES outbound_messages (id),
  received_at timestamptz NOT NULL,
  -- When a handler took the message. A claim older than a minute without an outcome belongs to a
  -- handler that died: the gateway's next delivery of the id takes it over.
  claimed_at timestamptz NOT NULL,
  handled_at timestamptz
);
-- A number's messages, newest first, for support staff and the clean-up.
CREATE INDEX inbound_sms_sender_idx ON inbound_sms (sender, received_at DESC);
