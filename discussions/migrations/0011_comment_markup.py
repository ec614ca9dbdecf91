from django.db import migrations, models


def render_all(apps, schema_editor):
    # The markup is rendered by the site's own code (discussions.markup), on the live models:
    # it reads the thread template, which no historical model knows.
    from discussions.markup import refresh
    from discussions.models import Comment

    refresh(Comment._base_manager.using(schema_editor.connection.alias).all())


class Migration(migrations.Migration):
    dependencies = [
        ("discussions", "0010_comment_source_comment"),
    ]

    operations = [
        migrations.AddField(
            model_name="comment",
            name="markup",
            field=models.TextField(default="", editable=False),
        ),
        migrations.RunPython(render_all, migrations.RunPython.noop, elidable=True),
    ]
