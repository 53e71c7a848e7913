-- The change feed (a transactional outbox) and webhooks. Timestamps are unix microseconds (UTC).

-- One row per audited change, written in the change's own transaction (see Events/EventLog.cs). id is the
-- feed's order: SQLite has one writer at a time (BEGIN IMMEDIATE), so ids commit in
-- order and a reader's cursor (the last id it saw) never skips a row that commits later.
CREATE TABLE events (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  event_id     TEXT    NOT NULL,
  type         TEXT    NOT NULL,
  tenant_id    TEXT    NULL,
  tenant_path  TEXT    NOT NULL,
  at           INTEGER NOT NULL,
  data         TEXT    NOT NULL
);
CREATE INDEX ix_events_path ON events(tenant_path, id);

-- A subscription to the events of a subtree. owner_seq is the creator's tenant: deliveries respect its
-- barriers. secret is the signing secret protected with ASP.NET Core Data Protection (never in clear).
-- cursor: the last event id already turned into deliveries. The instance holding the lease
-- (lease_owner until lease_until) fans out and delivers for the webhook; one at a time, in order.
CREATE TABLE webhooks (
  id               TEXT    PRIMARY KEY,
  owner_seq        INTEGER NOT NULL,
  tenant_id        TEXT    NOT NULL,
  tenant_seq       INTEGER NOT NULL,
  root_path        TEXT    NOT NULL,
  url              TEXT    NOT NULL,
  types            TEXT    NOT NULL,
  secret           TEXT    NOT NULL,
  enabled          INTEGER NOT NULL,
  disabled_reason  TEXT    NULL,
  version          INTEGER NOT NULL,
  created_at       INTEGER NOT NULL,
  cursor           INTEGER NOT NULL,
  lease_owner      TEXT    NULL,
  lease_until      INTEGER NULL
);
CREATE INDEX ix_webhooks_tenant ON webhooks(tenant_seq);

-- The delivery log: one row per (webhook, event), plus one per manual redelivery.
CREATE TABLE webhook_deliveries (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  webhook_id        TEXT    NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
  event_seq         INTEGER NOT NULL,
  status            TEXT    NOT NULL,
  attempts          INTEGER NOT NULL DEFAULT 0,
  created_at        INTEGER NOT NULL,
  next_attempt_at   INTEGER NOT NULL,
  first_attempt_at  INTEGER NULL,
  last_attempt_at   INTEGER NULL,
  response_status   INTEGER NULL,
  last_error        TEXT    NULL,
  delivered_at      INTEGER NULL
);
CREATE INDEX ix_webhook_deliveries_webhook ON webhook_deliveries(webhook_id, id);
CREATE INDEX ix_webhook_deliveries_pending ON webhook_deliveries(webhook_id, id) WHERE status = 'pending';

-- The Data Protection key ring, shared by every instance (keys that protect webhook secrets).
CREATE TABLE protection_keys (
  name  TEXT  PRIMARY KEY,
  xml   TEXT  NOT NULL
);
