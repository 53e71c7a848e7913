-- Soft delete with a restore window, and deletions as tracked operations (see docs/lifecycle.md).
-- Timestamps are unix microseconds (UTC).

-- A deleted tenant keeps its row until the purge: deleted_at says when, deletion_id which deletion
-- (operation) took it, so a restore brings back exactly the rows that deletion marked.
ALTER TABLE tenants ADD COLUMN deleted_at INTEGER NULL;
ALTER TABLE tenants ADD COLUMN deletion_id TEXT NULL;
-- A deleted tenant's code is set aside (free meanwhile; a restore takes it back or is refused when it was taken).
ALTER TABLE tenants ADD COLUMN deleted_code TEXT NULL;
CREATE INDEX ix_tenants_deletion ON tenants(deletion_id) WHERE deletion_id IS NOT NULL;

-- A user deleted on its own (DELETE /api/2/users/{id}); purged after the window.
ALTER TABLE users ADD COLUMN deleted_at INTEGER NULL;
-- The login of a deleted user (or of a user of a deleted tenant) is set aside the same way.
ALTER TABLE users ADD COLUMN deleted_login_key TEXT NULL;
CREATE INDEX ix_users_deleted ON users(deleted_at) WHERE deleted_at IS NOT NULL;

-- A deletion of a tenant's subtree: pending (restorable until restore_until), purging (services purge
-- and acknowledge until acknowledge_by), then done, failed (the deadline passed without every
-- acknowledgement) or cancelled (restored). No foreign key: it outlives the tenant rows it purged.
-- tenant_path is the tenant's path when deleted: the reach of the operation once the rows are gone.
CREATE TABLE deletions (
  id               TEXT    PRIMARY KEY,
  tenant_id        TEXT    NOT NULL,
  tenant_path      TEXT    NOT NULL,
  parent_id        TEXT    NOT NULL,
  state            TEXT    NOT NULL,
  created_at       INTEGER  NOT NULL,
  created_by       TEXT    NOT NULL,
  restore_until    INTEGER  NOT NULL,
  acknowledge_by   INTEGER  NOT NULL,
  finished_at      INTEGER  NULL,
  tenants_total    INTEGER  NOT NULL,
  users_total      INTEGER  NOT NULL,
  clients_total    INTEGER  NOT NULL,
  tenants_purged   INTEGER  NOT NULL DEFAULT 0,
  users_purged     INTEGER  NOT NULL DEFAULT 0,
  clients_purged   INTEGER  NOT NULL DEFAULT 0
);
CREATE INDEX ix_deletions_tenant ON deletions(tenant_id, created_at);
CREATE INDEX ix_deletions_open ON deletions(state, restore_until) WHERE state IN ('pending', 'purging');

-- The services (applications bound in the subtree when it was deleted) that must acknowledge they purged.
CREATE TABLE deletion_services (
  deletion_id      TEXT    NOT NULL REFERENCES deletions(id) ON DELETE CASCADE,
  application_id   TEXT    NOT NULL,
  acknowledged_at  INTEGER  NULL,
  acknowledged_by  TEXT    NULL,
  PRIMARY KEY (deletion_id, application_id)
);

-- The purge runs on one instance at a time: the holder of this one row's lease.
CREATE TABLE deletion_lease (
  name         TEXT    PRIMARY KEY,
  holder       TEXT    NULL,
  lease_until  INTEGER  NOT NULL
);
INSERT INTO deletion_lease (name, holder, lease_until) VALUES ('purge', NULL, 0);
