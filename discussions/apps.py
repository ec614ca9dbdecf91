from django.apps import AppConfig


class DiscussionsConfig(AppConfig):
    name = "discussions"

    def ready(self):
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save, pre_delete

        from accounts.signals import public_name_changed
        from articles.models import SourceComment
        from discussions import invalidation
        from discussions.lookups import InArray
        from discussions.models import Comment, Flag, PolicyRule, Vote

        Comment._meta.get_field("tree_id").register_lookup(InArray)
        for model in (Vote, Flag):
            model._meta.get_field("comment").register_lookup(InArray)
        public_name_changed.connect(invalidation.author_renamed, dispatch_uid="author_renamed")
        for signal in (post_save, post_delete):
            signal.connect(
                invalidation.source_comment_changed, sender=SourceComment, dispatch_uid="quotes"
            )
            signal.connect(invalidation.policy_rule_changed, sender=PolicyRule, dispatch_uid="rule")
        pre_delete.connect(
            invalidation.note_citing("source_comment_id"),
            sender=SourceComment,
            weak=False,
            dispatch_uid="quoting",
        )
        pre_delete.connect(
            invalidation.note_citing("status_rule_id"),
            sender=PolicyRule,
            weak=False,
            dispatch_uid="citing",
        )
        user_model = get_user_model()
        pre_delete.connect(
            invalidation.note_citing("author_id"),
            sender=user_model,
            weak=False,
            dispatch_uid="authored",
        )
        post_delete.connect(invalidation.author_deleted, sender=user_model, dispatch_uid="author")
