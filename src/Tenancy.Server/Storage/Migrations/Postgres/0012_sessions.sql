-- One-time tokens and sessions (impersonation). Secrets are stored as SHA-256 hex of 256 random bits,
-- never in clear. Timestamps are unix microseconds (UTC).

-- A one-time token an admin obtained to act as a user: used once (the row is deleted by the login that
-- uses it), refused after expires_at. Rows go with their user.
CREATE TABLE one_time_tokens (
  token_hash   text    PRIMARY KEY,
  user_id      text    NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  impersonator text    NOT NULL,
  expires_at   bigint  NOT NULL
);
CREATE INDEX ix_one_time_tokens_expiry ON one_time_tokens(expires_at);

-- A session opened with a one-time token: the cookie carries the id, the row its hash. csrf_hash is the
-- hash of the value unsafe requests must send in X-CSRF-Token. token_generation is the user's at login:
-- a password change or a disable ends the session like the user's tokens. Logout deletes the row.
CREATE TABLE sessions (
  id_hash          text    PRIMARY KEY,
  user_id          text    NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  impersonator     text    NOT NULL,
  csrf_hash        text    NOT NULL,
  token_generation bigint  NOT NULL,
  expires_at       bigint  NOT NULL
);
CREATE INDEX ix_sessions_expiry ON sessions(expires_at);
CREATE INDEX ix_sessions_user ON sessions(user_id);

-- The admin acting as the user of an impersonation session, on the records of the writes it made.
ALTER TABLE audit_log ADD COLUMN impersonator text NULL;
