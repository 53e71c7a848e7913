-- Activation emails and their links. Timestamps are unix microseconds (UTC).

-- One row per user: the activation email to deliver (an outbox row that background senders claim) and
-- the link's token. A newer request replaces the older one; each delivery attempt makes a new token,
-- so a token exists in clear only in the email that carries it: the row keeps its SHA-256 alone.
-- status: queued (to be sent; next_attempt_at says when), sent, failed (attempts exhausted).
-- A sender claims a due row by moving next_attempt_at past its lease and writing its claim, in one
-- conditional statement; only the holder of the claim records the outcome.
CREATE TABLE user_activations (
  user_id           text    PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  recipient         text    NOT NULL,
  status            text    NOT NULL,
  attempts          bigint  NOT NULL,
  next_attempt_at   bigint  NOT NULL,
  claim             text    NULL,
  last_error        text    NULL,
  requested_at      bigint  NOT NULL,
  sent_at           bigint  NULL,
  token_hash        text    NULL UNIQUE,
  token_expires_at  bigint  NULL,
  token_used_at     bigint  NULL
);
CREATE INDEX ix_user_activations_due ON user_activations(status, next_attempt_at);
