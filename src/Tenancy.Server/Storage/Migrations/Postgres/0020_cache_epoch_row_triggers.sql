-- The cache's change notifications (0017) fire only for statements that change a row. A statement-level
-- trigger fires even when its statement changes nothing, so a periodic cleanup that found nothing to delete
-- (the deletion worker's purge of users, every minute) told every instance to drop its whole cache, and each
-- then read every token holder and tenant it serves from the store again. Row-level triggers fire per changed
-- row only; PostgreSQL folds the identical notifications of one transaction into one, so a statement that
-- changes many rows still sends one.
DROP TRIGGER cache_epoch_tenants ON tenants;
DROP TRIGGER cache_epoch_api_clients ON api_clients;
DROP TRIGGER cache_epoch_users ON users;
DROP TRIGGER cache_epoch_access_policies ON access_policies;
DROP TRIGGER cache_epoch_revoked_tokens ON revoked_tokens;

CREATE TRIGGER cache_epoch_tenants AFTER INSERT OR DELETE OR UPDATE OF id, parent_seq, parent_id, path, level, kind, name, enabled, version, created_at, updated_at, customer_type, customer_id, internal_tag, language, owner_id, ancestral_access, update_lock_enabled, update_lock_owner, brand_id, brand_uuid, default_idp_id, mfa_status, pricing_mode, contact, code, zuora_account_name, zuora_account_number, description, deleted_at, deletion_id, deleted_code ON tenants
  FOR EACH ROW EXECUTE FUNCTION cache_epoch_notify();

CREATE TRIGGER cache_epoch_api_clients AFTER INSERT OR DELETE OR UPDATE OF id, tenant_seq, tenant_id, status, role, token_generation ON api_clients
  FOR EACH ROW EXECUTE FUNCTION cache_epoch_notify();

CREATE TRIGGER cache_epoch_users AFTER INSERT OR DELETE OR UPDATE OF id, tenant_seq, tenant_id, enabled, role, token_generation, deleted_at ON users
  FOR EACH ROW EXECUTE FUNCTION cache_epoch_notify();

CREATE TRIGGER cache_epoch_access_policies AFTER INSERT OR DELETE OR UPDATE ON access_policies
  FOR EACH ROW EXECUTE FUNCTION cache_epoch_notify();

CREATE TRIGGER cache_epoch_revoked_tokens AFTER INSERT OR DELETE OR UPDATE ON revoked_tokens
  FOR EACH ROW EXECUTE FUNCTION cache_epoch_notify();
