-- The tenant tree. Timestamps are unix microseconds (UTC).
CREATE TABLE tenants (
  seq                  INTEGER PRIMARY KEY AUTOINCREMENT,
  id                   TEXT    NOT NULL UNIQUE,
  parent_seq           INTEGER NULL REFERENCES tenants(seq) ON DELETE CASCADE,
  parent_id            TEXT    NOT NULL,
  path                 TEXT    NOT NULL,
  level                INTEGER NOT NULL,
  kind                 TEXT    NOT NULL,
  name                 TEXT    NOT NULL,
  enabled              INTEGER NOT NULL,
  version              INTEGER NOT NULL,
  created_at           INTEGER NOT NULL,
  updated_at           INTEGER NOT NULL,
  customer_type        TEXT    NOT NULL,
  customer_id          TEXT    NULL,
  internal_tag         TEXT    NULL,
  language             TEXT    NOT NULL,
  owner_id             TEXT    NULL,
  ancestral_access     INTEGER NOT NULL,
  update_lock_enabled  INTEGER NOT NULL,
  update_lock_owner    TEXT    NULL,
  brand_id             INTEGER NULL,
  brand_uuid           TEXT    NOT NULL,
  default_idp_id       TEXT    NOT NULL,
  mfa_status           TEXT    NOT NULL,
  pricing_mode         TEXT    NOT NULL,
  contact              TEXT    NULL,
  code                 TEXT    NULL UNIQUE,
  zuora_account_name   TEXT    NULL,
  zuora_account_number TEXT    NULL,
  description          TEXT    NULL
);

-- Children of a tenant, in creation order (keyset paging on seq).
CREATE INDEX ix_tenants_parent ON tenants(parent_seq, seq);
-- Subtree in level order: per level, a range scan over [path, upper bound).
CREATE INDEX ix_tenants_level_path ON tenants(level, path);
-- Whole subtree regardless of level (moves, deletes, roll-ups).
CREATE INDEX ix_tenants_path ON tenants(path);
-- Installation-wide listings sorted by creation time.
CREATE INDEX ix_tenants_created ON tenants(created_at, seq);
-- One root per installation.
CREATE UNIQUE INDEX ux_tenants_single_root ON tenants(kind) WHERE parent_seq IS NULL;

CREATE TABLE api_clients (
  id                          TEXT    PRIMARY KEY,
  tenant_seq                  INTEGER NOT NULL REFERENCES tenants(seq) ON DELETE CASCADE,
  tenant_id                   TEXT    NOT NULL,
  type                        TEXT    NOT NULL,
  token_endpoint_auth_method  TEXT    NOT NULL,
  data                        TEXT    NOT NULL,
  status                      TEXT    NOT NULL,
  secret_hash                 TEXT    NOT NULL,
  created_at                  INTEGER NOT NULL,
  created_by                  TEXT    NOT NULL,
  last_access_at              INTEGER NULL,
  last_access_from_ip         TEXT    NULL
);
CREATE INDEX ix_api_clients_tenant ON api_clients(tenant_seq);

-- Token signing keys, shared by every instance that uses this store.
CREATE TABLE signing_keys (
  kid          TEXT    PRIMARY KEY,
  algorithm    TEXT    NOT NULL,
  private_key  TEXT    NOT NULL,
  created_at   INTEGER NOT NULL,
  retire_at    INTEGER NOT NULL
);
