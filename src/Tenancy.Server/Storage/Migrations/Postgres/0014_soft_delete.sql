-- Soft delete with a restore window, and deletions as tracked operations (see docs/lifecycle.md).
-- Timestamps are unix microseconds (UTC).

-- A deleted tenant keeps its row until the purge: deleted_at says when, deletion_id which deletion
-- (operation) took it, so a restore brings back exactly the rows that deletion marked.
ALTER TABLE tenants ADD COLUMN deleted_at bigint NULL;
ALTER TABLE tenants ADD COLUMN deletion_id text NULL;
-- A deleted tenant's code is set aside (free meanwhile; a restore takes it back or is refused when it was taken).
ALTER TABLE tenants ADD COLUMN deleted_code text NULL;
CREATE INDEX ix_tenants_deletion ON tenants(deletion_id) WHERE deletion_id IS NOT NULL;

-- A user deleted on its own (DELETE /api/2/users/{id}); purged after the window.
ALTER TABLE users ADD COLUMN deleted_at bigint NULL;
-- The login of a deleted user (or of a user of a deleted tenant) is set aside the same way.
ALTER TABLE users ADD COLUMN deleted_login_key text NULL;
CREATE INDEX ix_users_deleted ON users(deleted_at) WHERE deleted_at IS NOT NULL;

-- A deletion of a tenant's subtree: pending (restorable until restore_until), purging (services purge
-- and acknowledge until acknowledge_by), then done, failed (the deadline passed without every
-- acknowledgement) or cancelled (restored). No foreign key: it outlives the tenant rows it purged.
-- tenant_path is the tenant's path when deleted: the reach of the operation once the rows are gone.
CREATE TABLE deletions (
  id               text    PRIMARY KEY,
  tenant_id        text    NOT NULL,
  tenant_path      text    COLLATE "C" NOT NULL,
  parent_id        text    NOT NULL,
  state            text    NOT NULL,
  created_at       bigint  NOT NULL,
  created_by       text    NOT NULL,
  restore_until    bigint  NOT NULL,
  acknowledge_by   bigint  NOT NULL,
  finished_at      bigint  NULL,
  tenants_total    bigint  NOT NULL,
  users_total      bigint  NOT NULL,
  clients_total    bigint  NOT NULL,
  tenants_purged   bigint  NOT NULL DEFAULT 0,
  users_purged     bigint  NOT NULL DEFAULT 0,
  clients_purged   bigint  NOT NULL DEFAULT 0
);
CREATE INDEX ix_deletions_tenant ON deletions(tenant_id, created_at);
CREATE INDEX ix_deletions_open ON deletions(state, restore_until) WHERE state IN ('pending', 'purging');

-- The services (applications bound in the subtree when it was deleted) that must acknowledge they purged.
CREATE TABLE deletion_services (
  deletion_id      text    NOT NULL REFERENCES deletions(id) ON DELETE CASCADE,
  application_id   text    NOT NULL,
  acknowledged_at  bigint  NULL,
  acknowledged_by  text    NULL,
  PRIMARY KEY (deletion_id, application_id)
);

-- The purge runs on one instance at a time: the holder of this one row's lease.
CREATE TABLE deletion_lease (
  name         text    PRIMARY KEY,
  holder       text    NULL,
  lease_until  bigint  NOT NULL
);
INSERT INTO deletion_lease (name, holder, lease_until) VALUES ('purge', NULL, 0);
