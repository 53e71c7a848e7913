-- Users, roles and the token lifecycle. Timestamps are unix microseconds (UTC) unless named *_s.

-- A role per API client on its tenant and subtree: 'admin' manages, 'viewer' only reads. Clients made
-- before roles existed keep full rights. token_generation is written into every token; a secret reset
-- or a disable bumps it, which refuses the client's existing tokens on their next request.
ALTER TABLE api_clients ADD COLUMN role text NOT NULL DEFAULT 'admin';
ALTER TABLE api_clients ADD COLUMN token_generation bigint NOT NULL DEFAULT 0;

-- Users of a tenant. login_key is the login upper-cased: logins are unique installation-wide
-- regardless of case. A user goes with its tenant (terminate cascades).
CREATE TABLE users (
  id                text    PRIMARY KEY,
  tenant_seq        bigint  NOT NULL REFERENCES tenants(seq) ON DELETE CASCADE,
  tenant_id         text    NOT NULL,
  login             text    NOT NULL,
  login_key         text    NOT NULL UNIQUE,
  contact           text    NOT NULL,
  enabled           boolean NOT NULL,
  role              text    NOT NULL,
  language          text    NOT NULL,
  external_id       text    NULL,
  notifications     text    NOT NULL,
  password_hash     text    NULL,
  token_generation  bigint  NOT NULL,
  version           bigint  NOT NULL,
  created_at        bigint  NOT NULL,
  updated_at        bigint  NOT NULL
);
CREATE INDEX ix_users_tenant ON users(tenant_seq, created_at);

-- Revoked access tokens (RFC 7009), kept until they would have expired anyway.
CREATE TABLE revoked_tokens (
  jti           text    PRIMARY KEY,
  expires_at_s  bigint  NOT NULL
);
CREATE INDEX ix_revoked_tokens_expiry ON revoked_tokens(expires_at_s);
