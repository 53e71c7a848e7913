-- The store epoch of the hot-path cache (see docs/deployment.md, "Caching"). Every change to what the
-- cached reads depend on (a tenant with the tenants on its path; a token holder: client or user, its grants,
-- revoked token ids) fires a trigger. Columns written on every request or token (last access, password
-- rehash, usage) are left out, so those writes do not empty the cache.
-- PostgreSQL: statement-level triggers notify the channel tenancy_cache; PostgreSQL delivers a notification
-- only when its transaction commits, and folds identical ones of one transaction into one. Each instance
-- listens on a dedicated connection (Storage/Caching/CacheListener.cs). No counter row: it would serialize
-- every writer. Trigger names start with cache_epoch_.
CREATE FUNCTION cache_epoch_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('tenancy_cache', '');
  RETURN NULL;
END;
$$;

CREATE TRIGGER cache_epoch_tenants AFTER INSERT OR DELETE OR UPDATE OF id, parent_seq, parent_id, path, level, kind, name, enabled, version, created_at, updated_at, customer_type, customer_id, internal_tag, language, owner_id, ancestral_access, update_lock_enabled, update_lock_owner, brand_id, brand_uuid, default_idp_id, mfa_status, pricing_mode, contact, code, zuora_account_name, zuora_account_number, description, deleted_at, deletion_id, deleted_code ON tenants
  FOR EACH STATEMENT EXECUTE FUNCTION cache_epoch_notify();

CREATE TRIGGER cache_epoch_api_clients AFTER INSERT OR DELETE OR UPDATE OF id, tenant_seq, tenant_id, status, role, token_generation ON api_clients
  FOR EACH STATEMENT EXECUTE FUNCTION cache_epoch_notify();

CREATE TRIGGER cache_epoch_users AFTER INSERT OR DELETE OR UPDATE OF id, tenant_seq, tenant_id, enabled, role, token_generation, deleted_at ON users
  FOR EACH STATEMENT EXECUTE FUNCTION cache_epoch_notify();

CREATE TRIGGER cache_epoch_access_policies AFTER INSERT OR DELETE OR UPDATE ON access_policies
  FOR EACH STATEMENT EXECUTE FUNCTION cache_epoch_notify();

CREATE TRIGGER cache_epoch_revoked_tokens AFTER INSERT OR DELETE OR UPDATE ON revoked_tokens
  FOR EACH STATEMENT EXECUTE FUNCTION cache_epoch_notify();
