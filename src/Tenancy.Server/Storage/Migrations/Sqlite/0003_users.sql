-- Users, roles and the token lifecycle. Timestamps are unix microseconds (UTC) unless named *_s.

-- A role per API client on its tenant and subtree: 'admin' manages, 'viewer' only reads. Clients made
-- before roles existed keep full rights. token_generation is written into every token; a secret reset
-- or a disable bumps it, which refuses the client's existing tokens on their next request.
ALTER TABLE api_clients ADD COLUMN role TEXT NOT NULL DEFAULT 'admin';
ALTER TABLE api_clients ADD COLUMN token_generation INTEGER NOT NULL DEFAULT 0;

-- Users of a tenant. login_key is the login upper-cased: logins are unique installation-wide
-- regardless of case. A user goes with its tenant (terminate cascades).
CREATE TABLE users (
  id                TEXT    PRIMARY KEY,
  tenant_seq        INTEGER NOT NULL REFERENCES tenants(seq) ON DELETE CASCADE,
  tenant_id         TEXT    NOT NULL,
  login             TEXT    NOT NULL,
  login_key         TEXT    NOT NULL UNIQUE,
  contact           TEXT    NOT NULL,
  enabled           INTEGER NOT NULL,
  role              TEXT    NOT NULL,
  language          TEXT    NOT NULL,
  external_id       TEXT    NULL,
  notifications     TEXT    NOT NULL,
  password_hash     TEXT    NULL,
  token_generation  INTEGER NOT NULL,
  version           INTEGER NOT NULL,
  created_at        INTEGER NOT NULL,
  updated_at        INTEGER NOT NULL
);
CREATE INDEX ix_users_tenant ON users(tenant_seq, created_at);

-- Revoked access tokens (RFC 7009), kept until they would have expired anyway.
CREATE TABLE revoked_tokens (
  jti           TEXT    PRIMARY KEY,
  expires_at_s  INTEGER NOT NULL
);
CREATE INDEX ix_revoked_tokens_expiry ON revoked_tokens(expires_at_s);
