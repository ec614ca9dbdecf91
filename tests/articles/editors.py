"""Helpers for the editors' admin tests: an editor account and the article form's POST data."""

from django.contrib.auth.models import Permission

from tests.factories import make_user

EDITOR_PERMISSIONS = [
    f"{action}_{model}"
    for model in ("article", "sourcecomment")
    for action in ("add", "change", "view")
]


def make_editor(**overrides):
    """Return a staff user who may write articles and their source comments, nothing else."""
    editor = make_user(is_staff=True, **overrides)
    editor.user_permissions.set(
        Permission.objects.filter(
            content_type__app_label="articles", codename__in=EDITOR_PERMISSIONS
        )
    )
    return editor


def article_form_data(*, source_comments=(), existing=0, **fields) -> dict:
    """Return what the admin's article form posts; source_comments: dicts of inline fields."""
    data = {
        "title": "Shenzhen opens night bus routes",
        "slug": "shenzhen-night-buses",
        "dek": "",
        "body": "<p>Twelve routes start on Monday.</p>",
        "category": "",
        "source_name": "Nanfang Daily",
        "source_url": "https://example.org/nanfang/1",
        "source_language": "zh",
        "translator": "Translator Li",
        "status": "published",
        "published_at_0": "2026-11-30",
        "published_at_1": "08:00:00",
        "comments_open": "on",
        "close_comments_after_days": "",
        "source_comments-TOTAL_FORMS": str(len(source_comments)),
        "source_comments-INITIAL_FORMS": str(existing),
        "source_comments-MIN_NUM_FORMS": "0",
        "source_comments-MAX_NUM_FORMS": "1000",
    }
    data.update(fields)
    for number, comment in enumerate(source_comments):
        defaults = {"platform": "weibo", "language": "", "position": str(number + 1),
                    "text": "", "original_text": "", "upvotes": "", "downvotes": "",
                    "translator_note": ""}  # fmt: skip
        for name, value in (defaults | comment).items():
            data[f"source_comments-{number}-{name}"] = value
    return data
