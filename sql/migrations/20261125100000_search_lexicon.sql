-- Search lexicons (issue 10): for each searchable column, every word it holds and in how many
-- rows. devdb search corrects typos against these small tables (pg_trgm similarity over tens of
-- thousands of words, not millions of rows) and plans each term from their counts: a rare word
-- drives the column's trigram index, a common one a walk down the primary key (newest first)
-- that stops when the page is full. A word is a run of letters and digits, lower-cased, as pg_trgm reads text;
-- words over 64 characters are left out (hashes, base64), which only ever makes a count lower.

-- migrate:up
CREATE FUNCTION search_words(body text) RETURNS SETOF text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT DISTINCT w FROM regexp_split_to_table(lower(body), '[^[:alnum:]]+') AS w WHERE w <> '' AND length(w) <= 64
  $$;

CREATE TABLE project_name_words (
  word        text PRIMARY KEY,
  row_count   bigint NOT NULL CHECK (row_count > 0),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CHECK (updated_at >= created_at)
);
COMMENT ON TABLE project_name_words IS 'Derived: each word of projects.name and how many projects hold it, kept by triggers. @domain projects @mutable';

CREATE TABLE task_title_words (
  word        text PRIMARY KEY,
  row_count   bigint NOT NULL CHECK (row_count > 0),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CHECK (updated_at >= created_at)
);
COMMENT ON TABLE task_title_words IS 'Derived: each word of tasks.title and how many tasks hold it, kept by triggers. @domain tasks @mutable';

CREATE TABLE comment_body_words (
  word        text PRIMARY KEY,
  row_count   bigint NOT NULL CHECK (row_count > 0),
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  CHECK (updated_at >= created_at)
);
COMMENT ON TABLE comment_body_words IS 'Derived: each word of comments.body and how many comments hold it, kept by triggers. @domain comments @mutable';

-- Typo correction is a trigram similarity search over the words. fastupdate is off: every search
-- reads these indexes, and a pending list (up to 4 MB, flushed only by VACUUM, which PGlite never
-- runs on its own) is read linearly by each of those scans; the triggers write few words per statement.
CREATE INDEX project_name_words_trgm_idx ON project_name_words USING gin (word gin_trgm_ops) WITH (fastupdate = off);
CREATE INDEX task_title_words_trgm_idx ON task_title_words USING gin (word gin_trgm_ops) WITH (fastupdate = off);
CREATE INDEX comment_body_words_trgm_idx ON comment_body_words USING gin (word gin_trgm_ops) WITH (fastupdate = off);

CREATE TRIGGER project_name_words_set_updated_at BEFORE UPDATE ON project_name_words FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER task_title_words_set_updated_at BEFORE UPDATE ON task_title_words FOR EACH ROW EXECUTE FUNCTION set_updated_at();
CREATE TRIGGER comment_body_words_set_updated_at BEFORE UPDATE ON comment_body_words FOR EACH ROW EXECUTE FUNCTION set_updated_at();

-- One statement-level trigger per event keeps a lexicon exact: it sees every row the statement
-- changed at once (transition tables, which COPY fills too), so a bulk load costs one grouped
-- upsert instead of one per row. Arguments: the lexicon table, then the searched column.
-- Words are applied in word order, so concurrent writers lock lexicon rows in the same order.
CREATE FUNCTION search_words_count() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
DECLARE
  lexicon text := quote_ident(TG_ARGV[0]);
  col text := quote_ident(TG_ARGV[1]);
  changed text;
BEGIN
  IF TG_OP = 'INSERT' THEN
    changed := format('SELECT w.word, 1 AS delta FROM new_rows r, search_words(r.%s) AS w(word)', col);
  ELSIF TG_OP = 'DELETE' THEN
    changed := format('SELECT w.word, -1 AS delta FROM old_rows r, search_words(r.%s) AS w(word)', col);
  ELSE
    -- Only rows whose text changed move counts (a status change leaves them alone).
    changed := format(
      'SELECT w.word, -1 AS delta FROM old_rows o JOIN new_rows n USING (id), search_words(o.%1$s) AS w(word) WHERE o.%1$s IS DISTINCT FROM n.%1$s
       UNION ALL
       SELECT w.word, 1 FROM old_rows o JOIN new_rows n USING (id), search_words(n.%1$s) AS w(word) WHERE o.%1$s IS DISTINCT FROM n.%1$s', col);
  END IF;
  -- One statement, three disjoint parts: words that leave every row go, words that lose some
  -- rows shrink, words that gain rows are upserted (CHECK row_count > 0 holds throughout).
  EXECUTE format(
    'WITH delta AS (SELECT word, sum(delta) AS n FROM (%1$s) c GROUP BY word HAVING sum(delta) <> 0),
     gone AS (DELETE FROM %2$s l USING delta d WHERE l.word = d.word AND d.n < 0 AND l.row_count + d.n <= 0),
     fewer AS (UPDATE %2$s l SET row_count = l.row_count + d.n FROM delta d WHERE l.word = d.word AND d.n < 0 AND l.row_count + d.n > 0)
     INSERT INTO %2$s AS l (word, row_count) SELECT word, n FROM delta WHERE n > 0 ORDER BY word
     ON CONFLICT (word) DO UPDATE SET row_count = l.row_count + excluded.row_count', changed, lexicon);
  RETURN NULL;
END
$$;

-- TRUNCATE has no transition table: it empties the lexicon with its table.
CREATE FUNCTION search_words_clear() RETURNS trigger
  LANGUAGE plpgsql
  AS $$
BEGIN
  EXECUTE format('DELETE FROM %s', quote_ident(TG_ARGV[0]));
  RETURN NULL;
END
$$;

CREATE TRIGGER projects_name_words_insert AFTER INSERT ON projects REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION search_words_count('project_name_words', 'name');
CREATE TRIGGER projects_name_words_update AFTER UPDATE ON projects REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION search_words_count('project_name_words', 'name');
CREATE TRIGGER projects_name_words_delete AFTER DELETE ON projects REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION search_words_count('project_name_words', 'name');
CREATE TRIGGER projects_name_words_truncate AFTER TRUNCATE ON projects
  FOR EACH STATEMENT EXECUTE FUNCTION search_words_clear('project_name_words');

CREATE TRIGGER tasks_title_words_insert AFTER INSERT ON tasks REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION search_words_count('task_title_words', 'title');
CREATE TRIGGER tasks_title_words_update AFTER UPDATE ON tasks REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION search_words_count('task_title_words', 'title');
CREATE TRIGGER tasks_title_words_delete AFTER DELETE ON tasks REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION search_words_count('task_title_words', 'title');
CREATE TRIGGER tasks_title_words_truncate AFTER TRUNCATE ON tasks
  FOR EACH STATEMENT EXECUTE FUNCTION search_words_clear('task_title_words');

CREATE TRIGGER comments_body_words_insert AFTER INSERT ON comments REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION search_words_count('comment_body_words', 'body');
CREATE TRIGGER comments_body_words_update AFTER UPDATE ON comments REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION search_words_count('comment_body_words', 'body');
CREATE TRIGGER comments_body_words_delete AFTER DELETE ON comments REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION search_words_count('comment_body_words', 'body');
CREATE TRIGGER comments_body_words_truncate AFTER TRUNCATE ON comments
  FOR EACH STATEMENT EXECUTE FUNCTION search_words_clear('comment_body_words');

-- Rows that exist before this migration are counted once here.
INSERT INTO project_name_words (word, row_count) SELECT w, count(*) FROM projects, search_words(name) AS w GROUP BY w;
INSERT INTO task_title_words (word, row_count) SELECT w, count(*) FROM tasks, search_words(title) AS w GROUP BY w;
INSERT INTO comment_body_words (word, row_count) SELECT w, count(*) FROM comments, search_words(body) AS w GROUP BY w;

-- migrate:down
DROP TRIGGER comments_body_words_truncate ON comments;
DROP TRIGGER comments_body_words_delete ON comments;
DROP TRIGGER comments_body_words_update ON comments;
DROP TRIGGER comments_body_words_insert ON comments;
DROP TRIGGER tasks_title_words_truncate ON tasks;
DROP TRIGGER tasks_title_words_delete ON tasks;
DROP TRIGGER tasks_title_words_update ON tasks;
DROP TRIGGER tasks_title_words_insert ON tasks;
DROP TRIGGER projects_name_words_truncate ON projects;
DROP TRIGGER projects_name_words_delete ON projects;
DROP TRIGGER projects_name_words_update ON projects;
DROP TRIGGER projects_name_words_insert ON projects;
DROP FUNCTION search_words_clear();
DROP FUNCTION search_words_count();
DROP TABLE comment_body_words;
DROP TABLE task_title_words;
DROP TABLE project_name_words;
DROP FUNCTION search_words(text);
