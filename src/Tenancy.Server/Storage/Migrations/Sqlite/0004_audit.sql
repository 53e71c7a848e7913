-- The audit trail: one row per change, written in the change's own transaction.
CREATE TABLE audit_log (
  id               INTEGER PRIMARY KEY AUTOINCREMENT,
  at               INTEGER NOT NULL,
  actor_type       TEXT    NOT NULL,
  actor_id         TEXT    NOT NULL,
  actor_tenant_id  TEXT    NOT NULL,
  operation        TEXT    NOT NULL,
  target_type      TEXT    NOT NULL,
  target_id        TEXT    NOT NULL,
  target_path      TEXT    NOT NULL,
  changes          TEXT    NOT NULL,
  address          TEXT    NULL,
  request_id       TEXT    NULL
);
-- Reach and subtree filters are ranges on the target's path; newest first by id.
CREATE INDEX ix_audit_log_path ON audit_log(target_path, id);
CREATE INDEX ix_audit_log_target ON audit_log(target_id, id);
CREATE INDEX ix_audit_log_actor ON audit_log(actor_id, id);
