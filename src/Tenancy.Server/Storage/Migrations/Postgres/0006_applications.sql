-- Applications turned on for tenants, and the tenant's pricing settings. Timestamps are unix microseconds (UTC).

-- One row per application a tenant has turned on (its own flag). The catalog (a file) holds the
-- applications, so application_id has no foreign key. A tenant has an application EFFECTIVELY on when
-- every tenant on its path below the root has a row for it: turning an application off for a tenant
-- turns it off for its whole subtree without touching the descendants' rows. Rows go with their tenant.
CREATE TABLE application_bindings (
  tenant_seq      bigint  NOT NULL REFERENCES tenants(seq) ON DELETE CASCADE,
  application_id  text    NOT NULL,
  created_at      bigint  NOT NULL,
  PRIMARY KEY (tenant_seq, application_id)
);

-- Pricing: pricing_mode exists since 0001. pricing_version is unix milliseconds of the last change
-- (NULL: never changed, the version is then the creation time in milliseconds, as older scripts expect);
-- production_start_date is set when the tenant switches to production.
ALTER TABLE tenants ADD COLUMN pricing_version bigint NULL;
ALTER TABLE tenants ADD COLUMN pricing_currency text NULL;
ALTER TABLE tenants ADD COLUMN production_start_date bigint NULL;
