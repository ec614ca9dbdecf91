"""Search indexes on the articles' and discussions' tables (the search app owns no table).

Every index is on an IMMUTABLE expression, and search.documents builds its queries from the
same functions, so the planner matches them:

- search_article_tsv(title, dek, body): English full text, headline weighted A, dek B, body C
  (the body is sanitised HTML: its tags are stripped inside the expression);
- search_article_head_tsv(title, dek): the headline (A) and dek (B) alone, which tells the
  ranking which matches are in the headline or dek without parsing any body;
- search_plain_tsv(text): English full text of a comment, source or reader's: its text is
  plain, so "<" and ">" are blanked first (the parser would skip "<b>…" as a tag);
- search_article_text / search_source_text / the comment's body: the plain text that
  Korean, Chinese and Japanese queries match by substring, through pg_trgm (3+ characters);
- search_cjk_grams(text): every CJK character and every pair of adjacent CJK characters,
  for the queries of one or two characters that a trigram index cannot serve.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

# Hangul (syllables, jamo, compatibility jamo), kana, CJK ideographs (with extension A,
# compatibility ideographs and the supplementary planes B–F). search/text.py CJK_CLASS is the
# same class for Python.
CJK = (
    r"\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff"
    r"\uac00-\ud7af\uf900-\ufaff\U00020000-\U0002ffff"
)

FUNCTIONS = f"""
CREATE FUNCTION search_strip_tags(html text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN regexp_replace(html, '<[^>]*>', ' ', 'g');

CREATE FUNCTION search_article_tsv(title text, dek text, body text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN setweight(to_tsvector('english'::regconfig, title), 'A')
    || setweight(to_tsvector('english'::regconfig, dek), 'B')
    || setweight(to_tsvector('english'::regconfig, search_strip_tags(body)), 'C');

CREATE FUNCTION search_plain_tsv(doc text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN to_tsvector('english'::regconfig, translate(doc, '<>', '  '));

CREATE FUNCTION search_article_head_tsv(title text, dek text) RETURNS tsvector
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN setweight(to_tsvector('english'::regconfig, title), 'A')
    || setweight(to_tsvector('english'::regconfig, dek), 'B');

CREATE FUNCTION search_article_text(title text, dek text, body text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN title || ' ' || dek || ' ' || search_strip_tags(body);

CREATE FUNCTION search_source_text(original_text text, translation text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN original_text || ' ' || translation;

-- COST: far dearer than the default guess, so the planner looks the grams up in their index
-- instead of computing them row by row (measured: 9 ms against 200 ms for a common character).
CREATE FUNCTION search_cjk_grams(doc text) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE COST 5000
BEGIN ATOMIC
  SELECT coalesce(array_agg(DISTINCT substr(m.run[1], i, n)), '{{}}'::text[])
  FROM regexp_matches(doc, E'[{CJK}]+', 'g') AS m(run),
       generate_series(1, length(m.run[1])) AS i,
       (VALUES (1), (2)) AS v(n)
  WHERE i + n - 1 <= length(m.run[1]);
END;
"""

DROP_FUNCTIONS = """
DROP FUNCTION IF EXISTS search_cjk_grams(text);
DROP FUNCTION IF EXISTS search_source_text(text, text);
DROP FUNCTION IF EXISTS search_article_text(text, text, text);
DROP FUNCTION IF EXISTS search_article_head_tsv(text, text);
DROP FUNCTION IF EXISTS search_plain_tsv(text);
DROP FUNCTION IF EXISTS search_article_tsv(text, text, text);
DROP FUNCTION IF EXISTS search_strip_tags(text);
"""

INDEXES = {
    "search_article_fts": (
        "articles_article USING gin (search_article_tsv(title, dek, body))"
    ),
    "search_article_head_fts": (
        "articles_article USING gin (search_article_head_tsv(title, dek))"
    ),
    "search_article_trgm": (
        "articles_article USING gin (search_article_text(title, dek, body) gin_trgm_ops)"
    ),
    "search_article_grams": (
        "articles_article USING gin (search_cjk_grams(search_article_text(title, dek, body)))"
    ),
    # Which articles are public (Article.objects.published(): status "published", published_at
    # in the past), read from the index alone when a comment's article is checked: the table
    # itself is wide (bodies), and reading it whole made every comment search ~30 ms slower.
    "search_article_published": (
        "articles_article (id) INCLUDE (published_at) WHERE status = 'published'"
    ),
    "search_source_fts": (
        "articles_sourcecomment USING gin (search_plain_tsv(text))"
    ),
    "search_source_trgm": (
        "articles_sourcecomment USING gin (search_source_text(original_text, text) gin_trgm_ops)"
    ),
    "search_source_grams": (
        "articles_sourcecomment USING gin "
        "(search_cjk_grams(search_source_text(original_text, text)))"
    ),
    "search_comment_fts": (
        "discussions_comment USING gin (search_plain_tsv(body))"
    ),
    "search_comment_trgm": "discussions_comment USING gin (body gin_trgm_ops)",
    "search_comment_grams": "discussions_comment USING gin (search_cjk_grams(body))",
}


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0006_revisions_and_source_languages"),
        ("discussions", "0009_sanction_rule_log_source"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunSQL(FUNCTIONS, DROP_FUNCTIONS),
        *(
            migrations.RunSQL(f"CREATE INDEX {name} ON {target}", f"DROP INDEX IF EXISTS {name}")
            for name, target in INDEXES.items()
        ),
    ]
