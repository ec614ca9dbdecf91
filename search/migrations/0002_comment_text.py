"""The reader comments' search text in a table of its own (search.models.CommentText).

The three comment indexes of 0001 move from discussions_comment to search_commenttext under
the same names, on the same expressions. Triggers keep the table: a statement-level insert
trigger copies the new comments' bodies (one INSERT per statement, however many rows a bulk
import adds); an update trigger fires only when an UPDATE sets the body and changes it, so
mptt's moves, votes and status changes never touch it; the foreign key deletes a comment's
text with it.
"""

import django.db.models.deletion
from django.db import migrations, models

TRIGGERS = """
ALTER TABLE search_commenttext
  ADD CONSTRAINT search_commenttext_comment_fk
  FOREIGN KEY (comment_id) REFERENCES discussions_comment (id) ON DELETE CASCADE;

CREATE FUNCTION search_comment_text_added() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO search_commenttext (comment_id, body) SELECT id, body FROM added;
  RETURN NULL;
END
$$;

CREATE TRIGGER search_comment_text_added
AFTER INSERT ON discussions_comment
REFERENCING NEW TABLE AS added
FOR EACH STATEMENT EXECUTE FUNCTION search_comment_text_added();

CREATE FUNCTION search_comment_text_edited() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  UPDATE search_commenttext SET body = NEW.body WHERE comment_id = NEW.id;
  RETURN NULL;
END
$$;

CREATE TRIGGER search_comment_text_edited
AFTER UPDATE OF body ON discussions_comment
FOR EACH ROW WHEN (OLD.body IS DISTINCT FROM NEW.body)
EXECUTE FUNCTION search_comment_text_edited();

INSERT INTO search_commenttext (comment_id, body) SELECT id, body FROM discussions_comment;
"""

DROP_TRIGGERS = """
DROP TRIGGER IF EXISTS search_comment_text_edited ON discussions_comment;
DROP FUNCTION IF EXISTS search_comment_text_edited();
DROP TRIGGER IF EXISTS search_comment_text_added ON discussions_comment;
DROP FUNCTION IF EXISTS search_comment_text_added();
"""

# name: expression, the same on the new table as 0001 made it on the comments' table
INDEXES = {
    "search_comment_fts": "USING gin (search_plain_tsv(body))",
    "search_comment_trgm": "USING gin (body gin_trgm_ops)",
    "search_comment_grams": "USING gin (search_cjk_grams(body))",
}


def _move(name: str, expression: str, source: str, target: str) -> migrations.RunSQL:
    return migrations.RunSQL(
        f"DROP INDEX IF EXISTS {name}; CREATE INDEX {name} ON {target} {expression}",
        f"DROP INDEX IF EXISTS {name}; CREATE INDEX {name} ON {source} {expression}",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("discussions", "0011_comment_markup"),
        ("search", "0001_search_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="CommentText",
            fields=[
                (
                    "comment",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="search_text",
                        serialize=False,
                        to="discussions.comment",
                    ),
                ),
                ("body", models.TextField()),
            ],
        ),
        migrations.RunSQL(TRIGGERS, DROP_TRIGGERS),
        *(
            _move(name, expression, "discussions_comment", "search_commenttext")
            for name, expression in INDEXES.items()
        ),
    ]
