"""A partial index for editors' picks: pages.featured_comments() reads the few featured
comments of one article, newest pick first, on every uncached discussion page."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("discussions", "0005_moderators_group_policy_v1"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="comment",
            index=models.Index(
                condition=models.Q(("is_featured", True)),
                fields=["article", "-featured_at"],
                name="comment_featured",
            ),
        ),
    ]
