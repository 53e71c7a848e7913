-- Billing: service levels, subscriptions, commitments and usage. Timestamps are unix microseconds (UTC).
-- Subscriptions, commitments and usage history carry no foreign key to tenants on purpose: a deleted
-- tenant's usage stays reportable for the periods it was live (its identity moves to tenant_archive).

-- The catalogue of service levels; position orders them on the wire.
CREATE TABLE service_levels (
  name         text    PRIMARY KEY,
  position     integer NOT NULL,
  description  text    NOT NULL
);
INSERT INTO service_levels (name, position, description) VALUES
  ('extreme',  1, 'Extreme performance file storage'),
  ('premium',  2, 'Premium performance file storage'),
  ('standard', 3, 'Standard performance file storage'),
  ('object',   4, 'Object storage');

CREATE TABLE subscriptions (
  number      text    PRIMARY KEY,
  tenant_id   text    NOT NULL,
  created_at  BIGINT NOT NULL
);
CREATE INDEX ix_subscriptions_tenant ON subscriptions(tenant_id, number);

-- Committed capacity per subscription and service level, append-only; the one in force is the
-- latest effective_from that has been reached.
CREATE TABLE commitments (
  subscription    text             NOT NULL REFERENCES subscriptions(number),
  service_level   text             NOT NULL REFERENCES service_levels(name),
  effective_from  BIGINT          NOT NULL,
  committed       DOUBLE PRECISION NOT NULL,
  recorded_at     BIGINT          NOT NULL,
  PRIMARY KEY (subscription, service_level, effective_from)
);

-- Consumed values as services report them. The key makes a re-sent sample a no-op.
CREATE TABLE usage_samples (
  subscription   text             NOT NULL REFERENCES subscriptions(number),
  service_level  text             NOT NULL REFERENCES service_levels(name),
  sampled_at     BIGINT          NOT NULL,
  consumed       DOUBLE PRECISION NOT NULL,
  received_at    BIGINT          NOT NULL,
  PRIMARY KEY (subscription, service_level, sampled_at)
);

-- One row per subscription and service level: the newest sample and the commitment in force, kept
-- up to date on every write so usage maps and roll-ups never scan the history.
CREATE TABLE usage_current (
  subscription    text             NOT NULL REFERENCES subscriptions(number),
  service_level   text             NOT NULL REFERENCES service_levels(name),
  consumed        DOUBLE PRECISION NOT NULL,
  consumed_at     BIGINT          NULL,
  committed       DOUBLE PRECISION NOT NULL,
  committed_from  BIGINT          NULL,
  PRIMARY KEY (subscription, service_level)
);

-- The billing identity of deleted tenants, written in the same transaction as the delete.
-- id_path is the chain of tenant ids from the root ("/<root id>/.../<id>/"): unlike internal keys,
-- ids are never reused, so a report's subtree range over it cannot pick up another tenant's rows.
CREATE TABLE tenant_archive (
  id                    text    PRIMARY KEY,
  id_path               text    COLLATE "C" NOT NULL,
  kind                  text    NOT NULL,
  name                  text    NOT NULL,
  code                  text    NULL,
  zuora_account_name    text    NULL,
  zuora_account_number  text    NULL,
  description           text    NULL,
  created_at            BIGINT NOT NULL,
  deleted_at            BIGINT NOT NULL
);
CREATE INDEX ix_tenant_archive_id_path ON tenant_archive(id_path);

-- /api/v2.1 lists sorted by name (code and id already have unique indexes).
CREATE INDEX ix_tenants_name ON tenants(name, seq);
