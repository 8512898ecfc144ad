-- Search keys (issue 24): what a searched column holds, as exact index keys, so that devdb search
-- reads only rows that can match and can prove from the lexicons alone that a term matches nothing.
-- pg_trgm cannot do either: its trigram sets match rows that hold the trigrams apart ("thead" reads
-- 58k comments holding "the", "hea" and "ead" for zero results), and it sees no pair of words.
--
-- The keys of a text, lower-cased (search_keys):
--   * each word: a run of letters and digits ("login"), as the lexicons always held;
--   * each run of other characters between spaces ("%", "++)", "🚀"), so a term without a letter
--     or digit is found, or proven absent, like a word;
--   * a single space for any run longer than 64 characters (hashes, base64): such a run is not
--     kept, so a row holding one is a candidate for every term, and nothing is ever missed;
--   * with pairs => true, each two words separated by exactly one space ("login page"): the key a
--     phrase needs, since "bug session" is in no comment although 67k hold both words.
-- The lexicons keep the first three kinds with their row counts (search_words, unchanged in shape);
-- one GIN index per column holds all four for each row. Both come from this one function.

-- migrate:up
CREATE FUNCTION search_keys(body text, pairs boolean) RETURNS text[]
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE
  AS $$
DECLARE
  lowered text := lower(body);
  keys text[] := '{}';
  chunk text;
  w text;
  prev text;
BEGIN
  IF lowered IS NULL THEN
    RETURN keys;
  END IF;
  -- Cut at every separator but a single space: within a chunk, neighbours form a phrase's pairs.
  FOREACH chunk IN ARRAY regexp_split_to_array(lowered, '[^[:alnum:] ]+|  +') LOOP
    prev := NULL;
    FOREACH w IN ARRAY string_to_array(chunk, ' ') LOOP
      IF w = '' THEN
        prev := NULL;
      ELSIF length(w) > 64 THEN
        keys := keys || ' '::text;
        prev := NULL;
      ELSE
        keys := keys || w;
        IF pairs AND prev IS NOT NULL THEN
          keys := keys || (prev || ' ' || w);
        END IF;
        prev := w;
      END IF;
    END LOOP;
  END LOOP;
  FOREACH w IN ARRAY regexp_split_to_array(lowered, '[[:alnum:][:space:]]+') LOOP
    IF w <> '' THEN
      keys := keys || CASE WHEN length(w) > 64 THEN ' ' ELSE w END;
    END IF;
  END LOOP;
  RETURN keys;
END
$$;

-- The lexicon triggers and rebuildLexicons() call search_words: its keys now include the runs
-- of other characters and the long-run marker.
CREATE OR REPLACE FUNCTION search_words(body text) RETURNS SETOF text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT DISTINCT k FROM unnest(search_keys(body, false)) AS k
  $$;

-- Rows that exist before this migration: their new keys are exactly the ones without a letter or digit.
INSERT INTO project_name_words (word, row_count)
  SELECT k, count(*) FROM projects, search_words(name) AS k WHERE k !~ '[[:alnum:]]' GROUP BY k;
INSERT INTO task_title_words (word, row_count)
  SELECT k, count(*) FROM tasks, search_words(title) AS k WHERE k !~ '[[:alnum:]]' GROUP BY k;
INSERT INTO comment_body_words (word, row_count)
  SELECT k, count(*) FROM comments, search_words(body) AS k WHERE k !~ '[[:alnum:]]' GROUP BY k;

-- Keys without a letter or digit have no trigrams: a term's symbols are looked up here (a few
-- hundred keys) instead of through every word of the lexicon's trigram index.
CREATE INDEX project_name_words_symbols_idx ON project_name_words (word) WHERE word !~ '[[:alnum:]]';
CREATE INDEX task_title_words_symbols_idx ON task_title_words (word) WHERE word !~ '[[:alnum:]]';
CREATE INDEX comment_body_words_symbols_idx ON comment_body_words (word) WHERE word !~ '[[:alnum:]]';

-- fastupdate is off for the reason the lexicon indexes give: every search reads these, and a
-- pending list (flushed only by VACUUM, which PGlite never runs) would be scanned by each of them.
CREATE INDEX projects_name_keys_idx ON projects USING gin (search_keys(name, true)) WITH (fastupdate = off);
CREATE INDEX tasks_title_keys_idx ON tasks USING gin (search_keys(title, true)) WITH (fastupdate = off);
CREATE INDEX comments_body_keys_idx ON comments USING gin (search_keys(body, true)) WITH (fastupdate = off);

-- migrate:down
DROP INDEX comments_body_keys_idx;
DROP INDEX tasks_title_keys_idx;
DROP INDEX projects_name_keys_idx;
DROP INDEX comment_body_words_symbols_idx;
DROP INDEX task_title_words_symbols_idx;
DROP INDEX project_name_words_symbols_idx;
CREATE OR REPLACE FUNCTION search_words(body text) RETURNS SETOF text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT DISTINCT w FROM regexp_split_to_table(lower(body), '[^[:alnum:]]+') AS w WHERE w <> '' AND length(w) <= 64
  $$;
DELETE FROM comment_body_words WHERE word !~ '[[:alnum:]]';
DELETE FROM task_title_words WHERE word !~ '[[:alnum:]]';
DELETE FROM project_name_words WHERE word !~ '[[:alnum:]]';
DROP FUNCTION search_keys(text, boolean);
