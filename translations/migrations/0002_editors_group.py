"""The Editors group: the staff who write articles and answer readers' translation reports.

Reports are about the translation, not about conduct, so they go to editors, not moderators:
the Moderators group (discussions 0005) gets none of these permissions and so cannot open the
reports queue, and an editor gets nothing that moderates comments. An editor writes articles
and their source comments (with the history of revisions), decides on reports (the change
permission stands for the queue's accept / reject / duplicate actions) and records
corrections (add_correction: the "Correction note" of the article form). Permissions are
added, never set, so another app's grants to the same group stay.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_PERMISSIONS = [
    ("articles", "view_article"),
    ("articles", "add_article"),
    ("articles", "change_article"),
    ("articles", "view_sourcecomment"),
    ("articles", "add_sourcecomment"),
    ("articles", "change_sourcecomment"),
    ("articles", "delete_sourcecomment"),
    ("translations", "view_translationreport"),
    ("translations", "change_translationreport"),
    ("translations", "view_correction"),
    ("translations", "add_correction"),
    ("translations", "change_correction"),
]


def setup(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Editors")
    group.permissions.add(
        *[
            Permission.objects.get(content_type__app_label=app, codename=codename)
            for app, codename in EDITOR_PERMISSIONS
        ]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("translations", "0001_reports_and_corrections"),
        ("articles", "0006_revisions_and_source_languages"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(setup, migrations.RunPython.noop)]
