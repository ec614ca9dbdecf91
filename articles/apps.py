from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class ArticlesConfig(AppConfig):
    name = "articles"

    def ready(self):
        from articles import page_cache
        from articles.models import Article

        post_save.connect(page_cache.forget_states, sender=Article, dispatch_uid="page-states")
        post_delete.connect(page_cache.forget_states, sender=Article, dispatch_uid="page-states")
