-- What key rotation needs: a non-secret display prefix to find and list a key by, an expiry
-- (a rotated key's grace period ends there), a revocation time, and the key it replaced.

-- migrate:up
ALTER TABLE api_keys
  ADD COLUMN display_prefix   text UNIQUE CHECK (display_prefix ~ '^[A-Za-z0-9_]{8,32}$'),
  ADD COLUMN expires_at       timestamptz,
  ADD COLUMN revoked_at       timestamptz,
  -- Rotation keeps a chain of keys; deleting one never deletes another.
  ADD COLUMN replaced_key_id  bigint UNIQUE REFERENCES api_keys (id) ON DELETE SET NULL,
  ADD CONSTRAINT api_keys_expires_after_created CHECK (expires_at > created_at),
  ADD CONSTRAINT api_keys_revoked_after_created CHECK (revoked_at >= created_at),
  ADD CONSTRAINT api_keys_hashed_key_is_sha256 CHECK (hashed_key ~ '^[0-9a-f]{64}$');
-- Keys that exist already (made before rotation, or kept across a migrate down) have no recorded prefix,
-- so no token can find them: they are revoked, under a prefix no token starts with, and then it is required.
UPDATE api_keys SET display_prefix = 'legacy_' || id, revoked_at = greatest(created_at, now()) WHERE display_prefix IS NULL;
ALTER TABLE api_keys ALTER COLUMN display_prefix SET NOT NULL;
COMMENT ON COLUMN api_keys.display_prefix IS 'Not secret: the token''s first characters, shown in listings and used to find the key.';
-- Quota checks and listings read a user's keys that are neither revoked nor expired.
CREATE INDEX api_keys_active_idx ON api_keys (user_id, expires_at) WHERE revoked_at IS NULL;

-- migrate:down
DROP INDEX api_keys_active_idx;
ALTER TABLE api_keys
  DROP CONSTRAINT api_keys_hashed_key_is_sha256,
  DROP CONSTRAINT api_keys_revoked_after_created,
  DROP CONSTRAINT api_keys_expires_after_created,
  DROP COLUMN replaced_key_id,
  DROP COLUMN revoked_at,
  DROP COLUMN expires_at,
  DROP COLUMN display_prefix;
