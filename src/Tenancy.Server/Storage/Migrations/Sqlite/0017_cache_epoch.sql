-- The store epoch of the hot-path cache (see docs/deployment.md, "Caching"). Every change to what the
-- cached reads depend on (a tenant with the tenants on its path; a token holder: client or user, its grants,
-- revoked token ids) fires a trigger. Columns written on every request or token (last access, password
-- rehash, usage) are left out, so those writes do not empty the cache.
-- SQLite: the triggers bump one row in the change's own transaction; each request reads it once (a primary
-- key read), which is exact across processes on one file. Trigger names start with cache_epoch_.
CREATE TABLE cache_epoch (
  id  INTEGER PRIMARY KEY CHECK (id = 1),
  n   INTEGER NOT NULL
);
INSERT INTO cache_epoch (id, n) VALUES (1, 0);

CREATE TRIGGER cache_epoch_tenants_ai AFTER INSERT ON tenants BEGIN
  UPDATE cache_epoch SET n = n + 1 WHERE id = 1;
END;

CREATE TRIGGER cache_epoch_tenants_ad AFTER DELETE ON tenants BEGIN
  UPDATE cache_epoch SET n = n + 1 WHERE id = 1;
END;

CREATE TRIGGER cache_epoch_tenants_au AFTER UPDATE OF id, parent_seq, parent_id, path, level, kind, name, enabled, version, created_at, updated_at, customer_type, customer_id, internal_tag, language, owner_id, ancestral_access, update_lock_enabled, update_lock_owner, brand_id, brand_uuid, default_idp_id, mfa_status, pricing_mode, contact, code, zuora_account_name, zuora_account_number, description, deleted_at, deletion_id, deleted_code ON tenants BEGIN
  UPDATE cache_epoch SET n = n + 1 WHERE id = 1;
END;

CREATE TRIGGER cache_epoch_api_clients_ai AFTER INSERT ON api_clients BEGIN
  UPDATE cache_epoch SET n = n + 1 WHERE id = 1;
END;

CREATE TRIGGER cache_epoch_api_clients_ad AFTER DELETE ON api_clients BEGIN
  UPDATE cache_epoch SET n = n + 1 WHERE id = 1;
END;

CREATE TRIGGER cache_epoch_api_clients_au AFTER UPDATE OF id, tenant_seq, tenant_id, status, role, token_generation ON api_clients BEGIN
  UPDATE cache_epoch SET n = n + 1 WHERE id = 1;
END;

CREATE TRIGGER cache_epoch_users_ai AFTER INSERT ON users BEGIN
  UPDATE cache_epoch SET n = n + 1 WHERE id = 1;
END;

CREATE TRIGGER cache_epoch_users_ad AFTER DELETE ON users BEGIN
  UPDATE cache_epoch SET n = n + 1 WHERE id = 1;
END;

CREATE TRIGGER cache_epoch_users_au AFTER UPDATE OF id, tenant_seq, tenant_id, enabled, role, token_generation, deleted_at ON users BEGIN
  UPDATE cache_epoch SET n = n + 1 WHERE id = 1;
END;

CREATE TRIGGER cache_epoch_access_policies_ai AFTER INSERT ON access_policies BEGIN
  UPDATE cache_epoch SET n = n + 1 WHERE id = 1;
END;

CREATE TRIGGER cache_epoch_access_policies_ad AFTER DELETE ON access_policies BEGIN
  UPDATE cache_epoch SET n = n + 1 WHERE id = 1;
END;

CREATE TRIGGER cache_epoch_access_policies_au AFTER UPDATE ON access_policies BEGIN
  UPDATE cache_epoch SET n = n + 1 WHERE id = 1;
END;

CREATE TRIGGER cache_epoch_revoked_tokens_ai AFTER INSERT ON revoked_tokens BEGIN
  UPDATE cache_epoch SET n = n + 1 WHERE id = 1;
END;

CREATE TRIGGER cache_epoch_revoked_tokens_ad AFTER DELETE ON revoked_tokens BEGIN
  UPDATE cache_epoch SET n = n + 1 WHERE id = 1;
END;

CREATE TRIGGER cache_epoch_revoked_tokens_au AFTER UPDATE ON revoked_tokens BEGIN
  UPDATE cache_epoch SET n = n + 1 WHERE id = 1;
END;
