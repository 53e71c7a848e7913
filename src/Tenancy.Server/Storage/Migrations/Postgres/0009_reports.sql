-- Usage reports (/api/2/reports) and the files produced for them. Timestamps are unix microseconds (UTC),
-- report dates are YYYY-MM-DD (UTC days, end included).

-- A report's configuration. next_run_at is set for an enabled monthly report: when its next file is due.
-- Reports have no foreign key to tenants: a report of a deleted tenant is simply out of everyone's reach.
CREATE TABLE reports (
  id               text    PRIMARY KEY,
  tenant_id        text    NOT NULL,
  version          bigint  NOT NULL,
  kind             text    NOT NULL,
  level            text    NOT NULL,
  formats          text    NOT NULL,
  period_start     text    NULL,
  period_end       text    NULL,
  hide_zero_usage  boolean NOT NULL,
  show_skus        boolean NOT NULL,
  schedule_type    text    NOT NULL,
  enabled          boolean NOT NULL,
  result_action    text    NOT NULL,
  recipients       text    NOT NULL,
  generation_date  text    NOT NULL,
  next_run_at      bigint  NULL,
  created_at       bigint  NOT NULL
);
CREATE INDEX ix_reports_tenant ON reports(tenant_id, created_at);
CREATE INDEX ix_reports_due ON reports(next_run_at) WHERE next_run_at IS NOT NULL;

-- One file per run and format: the unit of work of the report producer. A producer claims a pending row
-- by setting claimed_by and lease_until in one conditional UPDATE; a claim whose lease has run out (its
-- producer died) is taken again. Only the holder of the claim can store the content.
CREATE TABLE stored_reports (
  id            text    PRIMARY KEY,
  report_id     text    NOT NULL REFERENCES reports(id) ON DELETE CASCADE,
  format        text    NOT NULL,
  period_start  text    NOT NULL,
  period_end    text    NOT NULL,
  created_at    bigint  NOT NULL,
  status        text    NOT NULL,
  claimed_by    text    NULL,
  lease_until   bigint  NULL,
  claims        integer NOT NULL DEFAULT 0,
  produced_at   bigint  NULL,
  size          bigint  NULL,
  content       bytea   NULL
);
CREATE INDEX ix_stored_reports_report ON stored_reports(report_id, created_at);
CREATE INDEX ix_stored_reports_pending ON stored_reports(created_at) WHERE status = 'in_progress';
