-- Usage reports (/api/2/reports) and the files produced for them. Timestamps are unix microseconds (UTC),
-- report dates are YYYY-MM-DD (UTC days, end included).

-- A report's configuration. next_run_at is set for an enabled monthly report: when its next file is due.
-- Reports have no foreign key to tenants: a report of a deleted tenant is simply out of everyone's reach.
CREATE TABLE reports (
  id               TEXT       PRIMARY KEY,
  tenant_id        TEXT       NOT NULL,
  version          INTEGER  NOT NULL,
  kind             TEXT       NOT NULL,
  level            TEXT       NOT NULL,
  formats          TEXT       NOT NULL,
  period_start     TEXT       NULL,
  period_end       TEXT       NULL,
  hide_zero_usage  INTEGER NOT NULL,
  show_skus        INTEGER NOT NULL,
  schedule_type    TEXT       NOT NULL,
  enabled          INTEGER NOT NULL,
  result_action    TEXT       NOT NULL,
  recipients       TEXT       NOT NULL,
  generation_date  TEXT       NOT NULL,
  next_run_at      INTEGER  NULL,
  created_at       INTEGER  NOT NULL
);
CREATE INDEX ix_reports_tenant ON reports(tenant_id, created_at);
CREATE INDEX ix_reports_due ON reports(next_run_at) WHERE next_run_at IS NOT NULL;

-- One file per run and format: the unit of work of the report producer. A producer claims a pending row
-- by setting claimed_by and lease_until in one conditional UPDATE; a claim whose lease has run out (its
-- producer died) is taken again. Only the holder of the claim can store the content.
CREATE TABLE stored_reports (
  id            TEXT       PRIMARY KEY,
  report_id     TEXT       NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
  format        TEXT       NOT NULL,
  period_start  TEXT       NOT NULL,
  period_end    TEXT       NOT NULL,
  created_at    INTEGER  NOT NULL,
  status        TEXT       NOT NULL,
  claimed_by    TEXT       NULL,
  lease_until   INTEGER  NULL,
  claims        INTEGER NOT NULL DEFAULT 0,
  produced_at   INTEGER  NULL,
  size          INTEGER  NULL,
  content       BLOB    NULL
);
CREATE INDEX ix_stored_reports_report ON stored_reports(report_id, created_at);
CREATE INDEX ix_stored_reports_pending ON stored_reports(created_at) WHERE status = 'in_progress';
