"""The search app's one table: the reader comments' text, kept apart from their rows.

Why apart: a reply moves every later comment of its thread (mptt rewrites their lft/rght),
and PostgreSQL writes each moved row anew into every index of its table. With the search
indexes on the comments' own table, each move re-parsed the bodies of up to hundreds of
comments for three GIN indexes (a reply into a 670-comment thread: 73-125 ms for the move
alone, 21 ms without them, measured). Here a body is indexed when it is written and when it
changes, and never when its comment only moves.
"""

from django.db import models


class CommentText(models.Model):
    """A reader comment's body as search matches it. Kept by PostgreSQL triggers on the
    comments' table (migration 0002): a row per comment inserted, its body rewritten when the
    comment's body changes, deleted with the comment. Nothing in Python writes it."""

    comment = models.OneToOneField(
        "discussions.Comment",
        primary_key=True,
        # The database deletes it with its comment (ON DELETE CASCADE, migration 0002).
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="search_text",
    )
    body = models.TextField()

    def __str__(self) -> str:
        return f"search text of comment {self.comment_id}"
