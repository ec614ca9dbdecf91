from django.contrib.auth.management import create_permissions
from django.db import migrations
from django.utils import timezone

# Exactly what a moderator needs; nothing that edits articles or users' accounts.
MODERATOR_PERMISSIONS = [
    ("discussions", "view_queuedcomment"),
    ("discussions", "change_queuedcomment"),
    ("discussions", "view_comment"),
    ("discussions", "change_comment"),
    ("discussions", "view_commentrevision"),
    ("discussions", "view_flag"),
    ("discussions", "view_moderationaction"),
    ("discussions", "view_sanction"),
    ("discussions", "add_sanction"),
    ("discussions", "change_sanction"),
    ("discussions", "view_screeningword"),
    ("discussions", "add_screeningword"),
    ("discussions", "change_screeningword"),
    ("discussions", "delete_screeningword"),
    ("discussions", "view_rejectedcomment"),
    ("discussions", "view_policyrule"),
]


def setup(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Moderators")
    perms = [
        Permission.objects.get(content_type__app_label=app, codename=codename)
        for app, codename in MODERATOR_PERMISSIONS
    ]
    group.permissions.set(perms)

    PolicyRule = apps.get_model("discussions", "PolicyRule")
    PolicyVersion = apps.get_model("discussions", "PolicyVersion")
    if not PolicyVersion.objects.exists():
        PolicyVersion.objects.create(
            number=1,
            created_at=timezone.now(),
            rules=[
                {"number": r.number, "title": r.title, "body": r.body}
                for r in PolicyRule.objects.order_by("number")
            ],
        )


class Migration(migrations.Migration):
    dependencies = [
        ("discussions", "0004_moderation"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(setup, migrations.RunPython.noop)]
