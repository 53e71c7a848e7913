-- Search (GET /api/2/search) and user lists (GET /api/2/users).
--
-- search_terms holds, lower-cased, every text a tenant or a user is found by: a tenant's name, customer_id
-- and contact first name, last name and email; a user's login and contact email, first name and last name.
-- Triggers on tenants and users keep it in step with every write of either dialect (create, rename, contact
-- change, move, delete, terminate with its subtree): a row goes with its tenant through the foreign key.
-- Exact and prefix matches are range scans on ix_search_terms_term; substring matches go through the
-- FTS5 trigram index search_trigrams, kept in step with search_terms by its own triggers (the rarest
-- trigrams of the text find the candidates, instr() checks them).
CREATE TABLE search_terms (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  obj_type    TEXT    NOT NULL,
  obj_id      TEXT    NOT NULL,
  tenant_seq  INTEGER NOT NULL REFERENCES tenants(seq) ON DELETE CASCADE,
  term        TEXT    NOT NULL
);
CREATE INDEX ix_search_terms_term ON search_terms(term, obj_id);
CREATE INDEX ix_search_terms_obj ON search_terms(obj_id);
CREATE INDEX ix_search_terms_tenant ON search_terms(tenant_seq);

CREATE VIRTUAL TABLE search_trigrams USING fts5(term, content='search_terms', content_rowid='id', tokenize='trigram');

-- How many terms hold each trigram: search matches the rarest trigrams of a text, not all of them.
CREATE VIRTUAL TABLE search_trigram_counts USING fts5vocab(search_trigrams, 'row');

CREATE TRIGGER search_terms_ai AFTER INSERT ON search_terms BEGIN
  INSERT INTO search_trigrams(rowid, term) VALUES (new.id, new.term);
END;
CREATE TRIGGER search_terms_ad AFTER DELETE ON search_terms BEGIN
  INSERT INTO search_trigrams(search_trigrams, rowid, term) VALUES ('delete', old.id, old.term);
END;

CREATE TRIGGER tenants_search_ai AFTER INSERT ON tenants BEGIN
  INSERT INTO search_terms(obj_type, obj_id, tenant_seq, term)
  SELECT 'tenant', new.id, new.seq, lower(v) FROM (
    SELECT new.name AS v UNION SELECT new.customer_id
    UNION SELECT json_extract(new.contact, '$.firstname') UNION SELECT json_extract(new.contact, '$.lastname')
    UNION SELECT json_extract(new.contact, '$.email'))
  WHERE v IS NOT NULL AND v <> '';
END;
CREATE TRIGGER tenants_search_au AFTER UPDATE OF name, customer_id, contact ON tenants BEGIN
  DELETE FROM search_terms WHERE obj_id = old.id AND obj_type = 'tenant';
  INSERT INTO search_terms(obj_type, obj_id, tenant_seq, term)
  SELECT 'tenant', new.id, new.seq, lower(v) FROM (
    SELECT new.name AS v UNION SELECT new.customer_id
    UNION SELECT json_extract(new.contact, '$.firstname') UNION SELECT json_extract(new.contact, '$.lastname')
    UNION SELECT json_extract(new.contact, '$.email'))
  WHERE v IS NOT NULL AND v <> '';
END;

CREATE TRIGGER users_search_ai AFTER INSERT ON users BEGIN
  INSERT INTO search_terms(obj_type, obj_id, tenant_seq, term)
  SELECT 'user', new.id, new.tenant_seq, lower(v) FROM (
    SELECT new.login AS v UNION SELECT json_extract(new.contact, '$.email')
    UNION SELECT json_extract(new.contact, '$.firstname') UNION SELECT json_extract(new.contact, '$.lastname'))
  WHERE v IS NOT NULL AND v <> '';
END;
CREATE TRIGGER users_search_au AFTER UPDATE OF login, contact, tenant_seq ON users BEGIN
  DELETE FROM search_terms WHERE obj_id = old.id AND obj_type = 'user';
  INSERT INTO search_terms(obj_type, obj_id, tenant_seq, term)
  SELECT 'user', new.id, new.tenant_seq, lower(v) FROM (
    SELECT new.login AS v UNION SELECT json_extract(new.contact, '$.email')
    UNION SELECT json_extract(new.contact, '$.firstname') UNION SELECT json_extract(new.contact, '$.lastname'))
  WHERE v IS NOT NULL AND v <> '';
END;
CREATE TRIGGER users_search_ad AFTER DELETE ON users BEGIN
  DELETE FROM search_terms WHERE obj_id = old.id AND obj_type = 'user';
END;

-- What is already stored.
INSERT INTO search_terms(obj_type, obj_id, tenant_seq, term)
SELECT 'tenant', id, seq, lower(v) FROM (
  SELECT id, seq, name AS v FROM tenants UNION SELECT id, seq, customer_id FROM tenants
  UNION SELECT id, seq, json_extract(contact, '$.firstname') FROM tenants UNION SELECT id, seq, json_extract(contact, '$.lastname') FROM tenants
  UNION SELECT id, seq, json_extract(contact, '$.email') FROM tenants)
WHERE v IS NOT NULL AND v <> '';
INSERT INTO search_terms(obj_type, obj_id, tenant_seq, term)
SELECT 'user', id, tenant_seq, lower(v) FROM (
  SELECT id, tenant_seq, login AS v FROM users UNION SELECT id, tenant_seq, json_extract(contact, '$.email') FROM users
  UNION SELECT id, tenant_seq, json_extract(contact, '$.firstname') FROM users UNION SELECT id, tenant_seq, json_extract(contact, '$.lastname') FROM users)
WHERE v IS NOT NULL AND v <> '';

-- User lists over a subtree page in (tenant, user id) order.
CREATE INDEX ix_users_tenant_id ON users(tenant_seq, id);
