-- The /api/v2.1 tenant list counts the live tenants (deleted_at IS NULL) and pages them in the order of one
-- column (created, name, code, id). Indexes of the live tenants alone, one per sort column, let the count
-- and the offset walk index keys without reading a row to see whether it is deleted. Tenants without a
-- code sort first ascending (NULLS FIRST), last descending, as on SQLite: the code index is built that way.
DROP INDEX ix_tenants_created;
DROP INDEX ix_tenants_name;
CREATE INDEX ix_tenants_live_created ON tenants(created_at, seq) WHERE deleted_at IS NULL;
CREATE INDEX ix_tenants_live_name ON tenants(name, seq) WHERE deleted_at IS NULL;
CREATE INDEX ix_tenants_live_code ON tenants(code NULLS FIRST, seq) WHERE deleted_at IS NULL;
CREATE INDEX ix_tenants_live_id ON tenants(id, seq) WHERE deleted_at IS NULL;
