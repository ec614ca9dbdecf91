"""The reader's own data, as the JSON that /accounts/export/ hands them.

Only what the reader gave or what is about them; never another reader's private data (no
one else's address or IP, no moderator's identity). A fixed number of queries, however much
there is.
"""

from django.utils import timezone

from discussions.models import Comment, Flag, Sanction, Vote
from notifications.models import Follow, Kind, MailSettings, Notification
from translations.models import TranslationReport

EXPORT_FORMAT = "crosstalk-account/1"


def user_data(user) -> dict:
    """Return everything the export holds about the user, ready for JSON (datetimes are
    left to DjangoJSONEncoder)."""
    mail = MailSettings.for_user(user)
    return {
        "format": EXPORT_FORMAT,
        "exported_at": timezone.now(),
        "profile": {
            "username": user.username,
            "display_name": user.display_name,
            "joined": user.date_joined,
            "email": user.email,
            "email_verified": user.email_verified_at is not None,
            "email_verified_at": user.email_verified_at,
            "email_bounced_at": user.email_bounced_at,
        },
        "comments": [
            {
                "id": row["pk"],
                "article": {"slug": row["article__slug"], "title": row["article__title"]},
                "parent": row["parent_id"],
                "status": row["status"],
                "body": row["body"],
                "created": row["created_at"],
                "edited": row["edited_at"],
                "upvotes": row["upvotes"],
                "downvotes": row["downvotes"],
                "ip_address": row["ip_address"],
            }
            for row in Comment.objects.filter(author_id=user.pk)
            .order_by("created_at", "pk")
            .values(
                "pk",
                "article__slug",
                "article__title",
                "parent_id",
                "status",
                "body",
                "created_at",
                "edited_at",
                "upvotes",
                "downvotes",
                "ip_address",
            )
        ],
        "votes": [
            {"comment": row["comment_id"], "value": row["value"], "created": row["created_at"]}
            for row in Vote.objects.filter(user_id=user.pk)
            .order_by("created_at", "pk")
            .values("comment_id", "value", "created_at")
        ],
        "flags": [
            {
                "comment": row["comment_id"],
                "rule": row["rule__number"],
                "note": row["note"],
                "created": row["created_at"],
            }
            for row in Flag.objects.filter(user_id=user.pk)
            .order_by("created_at", "pk")
            .values("comment_id", "rule__number", "note", "created_at")
        ],
        "notifications": [
            {
                "kind": row["kind"],
                "comment": row["comment_id"],
                "report": row["report_id"],
                "decision": row["decision"],
                "created": row["created_at"],
                "read": row["read_at"] is not None,
                "read_at": row["read_at"],
            }
            for row in Notification.objects.filter(recipient_id=user.pk)
            .order_by("created_at", "pk")
            .values("kind", "comment_id", "report_id", "decision", "created_at", "read_at")
        ],
        # Translation problems the reader reported, with the editors' decision (never the
        # editor who made it).
        "translation_reports": [
            {
                "id": row["pk"],
                "article": row["article__slug"],
                "source_comment": row["source_comment_id"],
                "quote": row["quote"],
                "suggestion": row["suggestion"],
                "note": row["note"],
                "status": row["status"],
                "resolution_note": row["resolution_note"],
                "created": row["created_at"],
            }
            for row in TranslationReport.objects.filter(reporter_id=user.pk)
            .order_by("created_at", "pk")
            .values(
                "pk",
                "article__slug",
                "source_comment_id",
                "quote",
                "suggestion",
                "note",
                "status",
                "resolution_note",
                "created_at",
            )
        ],
        "follows": [
            {
                "article": row["article__slug"],
                "comment": row["comment_id"],
                "muted": row["muted"],
                "created": row["created_at"],
            }
            for row in Follow.objects.filter(user_id=user.pk)
            .order_by("created_at", "pk")
            .values("article__slug", "comment_id", "muted", "created_at")
        ],
        "mail_settings": {kind: mail.frequency(kind) for kind in Kind.values},
        # Suspensions and bans of the account with the rule they cite; never the moderator
        # who decided them nor the moderators' private note.
        "sanctions": [
            {
                "kind": row["kind"],
                "until": row["until"],
                "rule": row["rule__number"],
                "created": row["created_at"],
                "lifted": row["lifted_at"],
            }
            for row in Sanction.objects.filter(user_id=user.pk)
            .order_by("created_at", "pk")
            .values("kind", "until", "rule__number", "created_at", "lifted_at")
        ],
    }
