"""Editors manage the glossary: the Editors group (shared with translations 0002, created by
whichever runs first) may view, add, change and delete terms. Added, never set, so other
apps' grants to the group stay."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

TERM_PERMISSIONS = ["view_term", "add_term", "change_term", "delete_term"]


def grant(apps, schema_editor):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Editors")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="glossary", codename__in=TERM_PERMISSIONS
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("glossary", "0001_terms"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
