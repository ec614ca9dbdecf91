from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete


class GlossaryConfig(AppConfig):
    name = "glossary"

    def ready(self):
        from articles.models import Article, SourceComment
        from glossary import index
        from glossary.models import Term

        uid = "glossary-index"
        post_save.connect(index.term_changed, sender=Term, dispatch_uid=uid)
        pre_delete.connect(index.term_deleting, sender=Term, dispatch_uid=uid)
        post_delete.connect(index.term_changed, sender=Term, dispatch_uid=uid)
        m2m_changed.connect(index.related_changed, sender=Term.related.through, dispatch_uid=uid)
        post_save.connect(index.article_saved, sender=Article, dispatch_uid=uid)
        post_save.connect(index.source_comment_changed, sender=SourceComment, dispatch_uid=uid)
        post_delete.connect(index.source_comment_changed, sender=SourceComment, dispatch_uid=uid)
