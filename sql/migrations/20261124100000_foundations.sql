-- Extensions, enum types and the shared updated_at trigger used by every later migration.

-- migrate:up
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TYPE user_tier AS ENUM ('free', 'pro', 'premium');
CREATE TYPE job_status AS ENUM ('queued', 'running', 'succeeded', 'failed', 'cancelled');
CREATE TYPE task_status AS ENUM ('todo', 'in_progress', 'in_review', 'done', 'cancelled');
CREATE TYPE comment_entity_type AS ENUM ('project', 'task');
CREATE TYPE worker_type AS ENUM ('cpu', 'gpu');
CREATE TYPE worker_status AS ENUM ('online', 'draining', 'offline');
CREATE TYPE team_role AS ENUM ('owner', 'admin', 'member', 'viewer');
CREATE TYPE device_platform AS ENUM ('ios', 'android', 'macos', 'windows', 'linux', 'web');
CREATE TYPE preview_device AS ENUM ('desktop', 'tablet', 'mobile');

-- Keeps updated_at honest whatever the writer forgets.
CREATE FUNCTION set_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END;
$$;

-- migrate:down
DROP FUNCTION set_updated_at();
DROP TYPE preview_device;
DROP TYPE device_platform;
DROP TYPE team_role;
DROP TYPE worker_status;
DROP TYPE worker_type;
DROP TYPE comment_entity_type;
DROP TYPE task_status;
DROP TYPE job_status;
DROP TYPE user_tier;
DROP EXTENSION IF EXISTS pg_trgm;
