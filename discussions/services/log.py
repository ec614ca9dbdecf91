"""The moderation log: every entry is written here, inside the transaction of its change."""

from discussions.models import ModerationAction, PolicyVersion


def current_policy_version() -> PolicyVersion | None:
    return PolicyVersion.objects.order_by("-number").first()


def log_action(
    *, action: str, moderator=None, comment=None, rule=None, note: str = "", target_user=None
) -> ModerationAction:
    """Append one entry (moderator None: an automatic step, such as screening or flags)."""
    return ModerationAction.objects.create(
        moderator=moderator,
        action=action,
        comment=comment,
        article_id=comment.article_id if comment else None,
        target_user=target_user,
        rule=rule,
        rule_number=rule.number if rule else None,
        rule_title=rule.title if rule else "",
        policy_version=current_policy_version() if rule else None,
        note=note[:500],
    )
