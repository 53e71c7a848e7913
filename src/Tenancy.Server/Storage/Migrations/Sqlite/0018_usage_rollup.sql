-- Maintained usage roll-ups (docs/usage.md, "Maintained roll-ups"): per tenant and service level, the
-- totals of its subtree's current usage (usage_current rows of the service levels' application within a
-- subscription). A tenant counts the tenants of its subtree in the same state as itself (live ones, or
-- those the same deletion marked). usage_rows is how many usage_current rows the totals sum: a level is
-- in a roll-up when it is above 0. Every write that changes them adds its change in its own transaction
-- (Usage/UsageRollups.cs); the backfill below is UsageRollups.RebuildSql.
CREATE TABLE usage_rollup (
  tenant_seq     INTEGER NOT NULL REFERENCES tenants(seq) ON DELETE CASCADE,
  service_level  TEXT    NOT NULL,
  consumed       REAL NOT NULL,
  committed      REAL NOT NULL,
  burst          REAL NOT NULL,
  usage_rows     INTEGER NOT NULL,
  PRIMARY KEY (tenant_seq, service_level)
);

WITH RECURSIVE up (seq, parent_seq, deletion_id, service_level, consumed, committed, burst) AS (
  SELECT t.seq, t.parent_seq, t.deletion_id, u.offering_item, u.value, u.committed,
         CASE WHEN u.value > u.committed THEN u.value - u.committed ELSE 0.0 END
  FROM usage_current u JOIN tenants t ON t.id = u.tenant_id
  WHERE u.application_id = '5b2e7f1a-9c3d-4e6b-8a0f-1d2c3b4a5e69' AND u.subscription <> ''
  UNION ALL
  SELECT p.seq, p.parent_seq, p.deletion_id, up.service_level, up.consumed, up.committed, up.burst
  FROM up JOIN tenants p ON p.seq = up.parent_seq WHERE p.deletion_id IS up.deletion_id)
INSERT INTO usage_rollup (tenant_seq, service_level, consumed, committed, burst, usage_rows)
SELECT seq, service_level, SUM(consumed), SUM(committed), SUM(burst), COUNT(*) FROM up GROUP BY seq, service_level;
