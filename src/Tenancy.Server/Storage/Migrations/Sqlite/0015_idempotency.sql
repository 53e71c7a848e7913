-- Idempotency keys and API client versions. Timestamps are unix microseconds (UTC).

-- One row per Idempotency-Key a principal sent with a write, scoped by method and route path. The first
-- request inserts the row (status NULL: in progress) and runs; its answer (status, the headers that
-- matter, body) is written when it ends, and a retry with the same key and body gets that answer.
-- body_hash is the SHA-256 of the query string and request body: the same key with another request is
-- refused. An answer that carried a secret is never kept: answer_withheld marks it (only Location stays).
-- Rows past expires_at are ignored and cleaned.
CREATE TABLE idempotency_keys (
  principal        TEXT    NOT NULL,
  method           TEXT    NOT NULL,
  path             TEXT    NOT NULL,
  idempotency_key  TEXT    NOT NULL,
  body_hash        TEXT    NOT NULL,
  status           INTEGER NULL,
  headers          TEXT    NULL,
  body             BLOB    NULL,
  answer_withheld  INTEGER NOT NULL DEFAULT 0,
  created_at       INTEGER NOT NULL,
  expires_at       INTEGER NOT NULL,
  PRIMARY KEY (principal, method, path, idempotency_key)
);
CREATE INDEX ix_idempotency_keys_expiry ON idempotency_keys(expires_at);

-- An API client's version: bumped by every change of the client (status, data, secret), for ETag and If-Match.
ALTER TABLE api_clients ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
