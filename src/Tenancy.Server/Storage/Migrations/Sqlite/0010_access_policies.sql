-- Users' roles on tenants (access policies). Timestamps are unix microseconds (UTC).

-- A user holds catalogue roles (Access/RoleTable.cs) on tenants at or below its own. users.role stays
-- the role field: 'admin' when the user holds the admin role of its own tenant's kind there, 'viewer'
-- when it holds readonly_admin there, 'none' otherwise; every write keeps the two in step. issuer_id is
-- the tenant of the principal that granted the role. Rows go with their user and with their tenant.
CREATE TABLE access_policies (
  id          TEXT    PRIMARY KEY,
  user_id     TEXT    NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  tenant_seq  INTEGER NOT NULL REFERENCES tenants(seq) ON DELETE CASCADE,
  tenant_id   TEXT    NOT NULL,
  role_id     TEXT    NOT NULL,
  issuer_id   TEXT    NOT NULL,
  version     INTEGER NOT NULL,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  UNIQUE (user_id, tenant_seq, role_id)
);
CREATE INDEX ix_access_policies_tenant ON access_policies(tenant_seq);

-- Each existing user's role field as a policy on its own tenant.
INSERT INTO access_policies (id, user_id, tenant_seq, tenant_id, role_id, issuer_id, version, created_at, updated_at)
SELECT lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2) || '-8'
             || substr(hex(randomblob(2)), 2) || '-' || hex(randomblob(6))),
       u.id, u.tenant_seq, u.tenant_id,
       CASE WHEN u.role = 'viewer' THEN 'readonly_admin'
            WHEN t.kind = 'root' THEN 'root_admin'
            WHEN t.kind = 'customer' THEN 'company_admin'
            WHEN t.kind = 'unit' THEN 'unit_admin'
            ELSE 'partner_admin' END,
       u.tenant_id, 1, u.created_at, u.created_at
FROM users u JOIN tenants t ON t.seq = u.tenant_seq;
