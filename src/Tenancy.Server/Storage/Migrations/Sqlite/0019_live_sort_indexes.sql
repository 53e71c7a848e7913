-- The /api/v2.1 tenant list counts the live tenants (deleted_at IS NULL) and pages them in the order of one
-- column (created, name, code, id). Indexes of the live tenants alone, one per sort column, let the count
-- and the offset walk index keys without reading a row to see whether it is deleted. deleted_at is the last
-- key (always NULL in them): SQLite takes a partial index as covering only if it holds its condition's column.
DROP INDEX ix_tenants_created;
DROP INDEX ix_tenants_name;
CREATE INDEX ix_tenants_live_created ON tenants(created_at, seq, deleted_at) WHERE deleted_at IS NULL;
CREATE INDEX ix_tenants_live_name ON tenants(name, seq, deleted_at) WHERE deleted_at IS NULL;
CREATE INDEX ix_tenants_live_code ON tenants(code, seq, deleted_at) WHERE deleted_at IS NULL;
CREATE INDEX ix_tenants_live_id ON tenants(id, seq, deleted_at) WHERE deleted_at IS NULL;
