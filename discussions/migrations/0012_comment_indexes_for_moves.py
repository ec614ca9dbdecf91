"""The comments' indexes for a table whose rows move: a reply moves every later comment of its
thread (mptt rewrites lft and rght), so no index holds lft, none repeats another's leading
column, the rarely set foreign keys index only the rows that set them, and each page keeps
room (FILLFACTOR) for a moved row's new version beside the old one, written in place without
touching any index (a HOT update). Rows already stored get the room when rewritten."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# Percent of each page filled by inserts; the rest is kept for the new versions of moved rows.
FILLFACTOR = 50


class Migration(migrations.Migration):

    dependencies = [
        ('articles', '0007_original_title_translator_slug'),
        ('discussions', '0011_comment_markup'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='comment',
            name='comment_tree_lft',
        ),
        migrations.AlterField(
            model_name='comment',
            name='article',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='comments', to='articles.article'),
        ),
        migrations.AlterField(
            model_name='comment',
            name='author',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='comments', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='comment',
            name='source_comment',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='replies', to='articles.sourcecomment', verbose_name='quoted source comment'),
        ),
        migrations.AlterField(
            model_name='comment',
            name='status_rule',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='discussions.policyrule'),
        ),
        migrations.AddIndex(
            model_name='comment',
            index=models.Index(fields=['tree_id'], name='comment_tree'),
        ),
        migrations.AddIndex(
            model_name='comment',
            index=models.Index(fields=['author', 'created_at'], name='comment_author_created'),
        ),
        migrations.AddIndex(
            model_name='comment',
            index=models.Index(condition=models.Q(('source_comment__isnull', False)), fields=['source_comment'], name='comment_source_comment'),
        ),
        migrations.AddIndex(
            model_name='comment',
            index=models.Index(condition=models.Q(('status_rule__isnull', False)), fields=['status_rule'], name='comment_status_rule'),
        ),
        migrations.RunSQL(
            f"ALTER TABLE discussions_comment SET (fillfactor = {FILLFACTOR})",
            "ALTER TABLE discussions_comment RESET (fillfactor)",
        ),
    ]
