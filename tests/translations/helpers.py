"""Helpers for the translation tests: editors, reports and the article admin form's POST."""

import importlib

from django.contrib.auth.models import Group, Permission
from django.test import Client

from tests.articles.editors import article_form_data
from tests.factories import make_user
from translations.services import report_submit

QUEUE = "/admin/translations/translationreport/"


def ensure_editors_group() -> Group:
    """Return the Editors group with the permissions its data migration grants (a
    transactional test's flush may have removed it)."""
    module = importlib.import_module("translations.migrations.0002_editors_group")
    group, _ = Group.objects.get_or_create(name="Editors")
    group.permissions.add(
        *[
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in module.EDITOR_PERMISSIONS
        ]
    )
    return group


def make_editor(**overrides):
    """Return a staff user in the Editors group (what the issue calls an editor)."""
    editor = make_user(is_staff=True, **overrides)
    editor.groups.add(ensure_editors_group())
    return editor


def as_user(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def make_report(article, *, reporter=None, quote="The pilot starts on Line 2", **fields):
    """Send a report through the service (screened like a reader's); return it."""
    return report_submit(
        article=article,
        reporter=reporter or make_user(),
        quote=quote,
        suggestion=fields.pop("suggestion", "The trial begins on Line 2"),
        **fields,
    )


def article_change_data(article, **fields) -> dict:
    """Return what the admin's change form of this existing article posts."""
    current = {
        "title": article.title,
        "slug": article.slug,
        "dek": article.dek,
        "body": article.body,
        "source_name": article.source_name,
        "source_url": article.source_url,
        "source_language": article.source_language,
        "translator": article.translator,
    }
    return article_form_data(**(current | fields))


def queue_action(client, action: str, reports, **fields):
    """Post a decision from the queue's changelist, as its intermediate page does."""
    data = {
        "action": action,
        "_selected_action": [str(report.pk) for report in reports],
        "apply": "1",
        **fields,
    }
    return client.post(QUEUE, data)
