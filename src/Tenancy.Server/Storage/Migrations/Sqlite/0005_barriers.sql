-- The tenants with ancestral_access off: the access policy's barrier lookup (AccessPolicy.Where) is a
-- range scan over these few rows instead of the whole subtree.
CREATE INDEX ix_tenants_barriers ON tenants(path) WHERE NOT ancestral_access;
