-- Activation emails and their links. Timestamps are unix microseconds (UTC).

-- One row per user: the activation email to deliver (an outbox row that background senders claim) and
-- the link's token. A newer request replaces the older one; each delivery attempt makes a new token,
-- so a token exists in clear only in the email that carries it: the row keeps its SHA-256 alone.
-- status: queued (to be sent; next_attempt_at says when), sent, failed (attempts exhausted).
-- A sender claims a due row by moving next_attempt_at past its lease and writing its claim, in one
-- conditional statement; only the holder of the claim records the outcome.
CREATE TABLE user_activations (
  user_id           TEXT    PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
  recipient         TEXT    NOT NULL,
  status            TEXT    NOT NULL,
  attempts          INTEGER NOT NULL,
  next_attempt_at   INTEGER NOT NULL,
  claim             TEXT    NULL,
  last_error        TEXT    NULL,
  requested_at      INTEGER NOT NULL,
  sent_at           INTEGER NULL,
  token_hash        TEXT    NULL UNIQUE,
  token_expires_at  INTEGER NULL,
  token_used_at     INTEGER NULL
);
CREATE INDEX ix_user_activations_due ON user_activations(status, next_attempt_at);
