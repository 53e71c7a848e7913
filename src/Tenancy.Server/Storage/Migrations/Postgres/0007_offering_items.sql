-- A tenant's own settings of offering items: status, quota and the item's edition. Timestamps are unix
-- microseconds (UTC); quota_version is unix milliseconds of the quota's last change (0 while it is unset).
--
-- The catalog (a file) holds the items, so (application_id, name) has no foreign key: an item removed from
-- the catalog is retired, and its rows stay (it comes back as it was if the item returns). A tenant has an
-- item EFFECTIVELY on when every tenant on its path below the root has it on (a platform item without a row
-- counts as on) and has its application on: turning an item off for a tenant turns it off for its whole
-- subtree without touching the descendants' rows. Rows go with their tenant.
CREATE TABLE offering_items (
  tenant_seq      bigint NOT NULL REFERENCES tenants(seq) ON DELETE CASCADE,
  application_id  text NOT NULL,
  name            text NOT NULL,
  edition         text NULL,
  status          bigint NOT NULL CHECK (status IN (0, 1)),
  quota_value     bigint NULL CHECK (quota_value >= 0),
  quota_overage   bigint NULL CHECK (quota_overage >= 0),
  quota_version   bigint NOT NULL DEFAULT 0,
  updated_at      bigint NOT NULL,
  PRIMARY KEY (tenant_seq, application_id, name)
);
