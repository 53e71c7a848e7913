-- One usage store for both dialects: a sample is a value of an offering item (application_id,
-- offering_item, as in the catalog file) for a tenant, optionally within a subscription (a billing
-- grouping of /api/v2.1; '' when the value was reported per tenant through /api/2). The v2.1 service
-- levels are the offering items of the same names of the storage application
-- 5b2e7f1a-9c3d-4e6b-8a0f-1d2c3b4a5e69 (docs/billing.md, "How the two views map"). Existing samples and
-- current values move over unchanged. No foreign keys to tenants or subscriptions, as before: a deleted
-- tenant's history stays reportable. Values are in the item's stored unit (TiB for service levels).

CREATE TABLE usage_samples_new (
  tenant_id       text             NOT NULL,
  application_id  text             NOT NULL,
  offering_item   text             NOT NULL,
  subscription    text             NOT NULL DEFAULT '',
  sampled_at      BIGINT           NOT NULL,
  value           DOUBLE PRECISION NOT NULL,
  received_at     BIGINT           NOT NULL,
  PRIMARY KEY (tenant_id, application_id, offering_item, subscription, sampled_at)
);
INSERT INTO usage_samples_new (tenant_id, application_id, offering_item, subscription, sampled_at, value, received_at)
SELECT s.tenant_id, '5b2e7f1a-9c3d-4e6b-8a0f-1d2c3b4a5e69', u.service_level, u.subscription, u.sampled_at, u.consumed, u.received_at
FROM usage_samples u JOIN subscriptions s ON s.number = u.subscription;
DROP TABLE usage_samples;
ALTER TABLE usage_samples_new RENAME TO usage_samples;
-- Period reads over a subtree: tenant by tenant, a time range.
CREATE INDEX ix_usage_samples_period ON usage_samples(tenant_id, sampled_at);

-- One row per tenant, offering item and subscription: the newest sample (value_at) and, for service
-- levels within a subscription, the commitment in force; kept up to date on every write.
CREATE TABLE usage_current_new (
  tenant_id       text             NOT NULL,
  application_id  text             NOT NULL,
  offering_item   text             NOT NULL,
  subscription    text             NOT NULL DEFAULT '',
  value           DOUBLE PRECISION NOT NULL,
  value_at        BIGINT           NULL,
  committed       DOUBLE PRECISION NOT NULL,
  committed_from  BIGINT           NULL,
  PRIMARY KEY (tenant_id, application_id, offering_item, subscription)
);
INSERT INTO usage_current_new (tenant_id, application_id, offering_item, subscription, value, value_at, committed, committed_from)
SELECT s.tenant_id, '5b2e7f1a-9c3d-4e6b-8a0f-1d2c3b4a5e69', u.service_level, u.subscription, u.consumed, u.consumed_at, u.committed, u.committed_from
FROM usage_current u JOIN subscriptions s ON s.number = u.subscription;
DROP TABLE usage_current;
ALTER TABLE usage_current_new RENAME TO usage_current;
