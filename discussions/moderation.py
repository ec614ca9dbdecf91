"""Moderation writes: decisions on comments, flags, authors' edits and deletes, sanctions,
policy versions. Each writes its rows, its log line and the cache bump in one transaction.

Status changes use UPDATE on named columns only: a Comment is never save()d here, because
mptt's save() would write back tree positions read before a concurrent reply moved them.
"""

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from discussions import screening
from discussions.models import (
    Comment,
    CommentRevision,
    Flag,
    ModerationAction,
    PolicyRule,
    PolicyVersion,
    Sanction,
)
from discussions.services import article_touch
from discussions.text import normalize_body, render_comment

Action = ModerationAction.Action
Status = Comment.Status


class ModerationError(Exception):
    """A request the rules do not allow; the message says why."""

    def __init__(self, message: str, *, status: int = 400):
        super().__init__(message)
        self.message = message
        self.status = status


def current_policy_version() -> PolicyVersion | None:
    return PolicyVersion.objects.order_by("-number").first()


def policy_publish() -> PolicyVersion:
    """Snapshot the current rules as a new dated policy version."""
    with transaction.atomic():
        latest = PolicyVersion.objects.select_for_update().order_by("-number").first()
        rules = [
            {"number": r.number, "title": r.title, "body": r.body}
            for r in PolicyRule.objects.order_by("number")
        ]
        if latest is not None and latest.rules == rules:
            return latest
        return PolicyVersion.objects.create(
            number=(latest.number + 1) if latest else 1, rules=rules
        )


def _log(*, action, moderator=None, comment=None, rule=None, note="", target_user=None):
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


def comment_moderate(*, comment: Comment, moderator, action: str, rule=None, note="") -> None:
    """Apply a moderator's decision (approve, remove, spam, feature, unfeature) to a comment."""
    if action == Action.REMOVE and rule is None:
        raise ModerationError(_("Removing a comment needs the rule it breaks."))
    changes = {
        Action.APPROVE: {"status": Status.VISIBLE, "status_rule": None, "hold_reason": ""},
        Action.REMOVE: {"status": Status.REMOVED, "status_rule": rule, "is_featured": False},
        Action.SPAM: {"status": Status.SPAM, "status_rule": rule, "is_featured": False},
        Action.FEATURE: {"is_featured": True, "featured_at": timezone.now()},
        Action.UNFEATURE: {"is_featured": False},
    }.get(action)
    if changes is None:
        raise ModerationError(_("Unknown moderation action."))
    if action == Action.FEATURE and comment.status != Status.VISIBLE:
        raise ModerationError(_("Only a visible comment can be featured."))
    with transaction.atomic():
        Comment.objects.filter(pk=comment.pk).update(**changes)
        if action in (Action.APPROVE, Action.REMOVE, Action.SPAM):
            comment.flags.filter(resolved=False).update(resolved=True)
        _log(action=action, moderator=moderator, comment=comment, rule=rule, note=note)
        article_touch(article_id=comment.article_id)


def flag_create(*, comment: Comment, user, rule: PolicyRule, note: str = "") -> bool:
    """Record a reader's flag; return True when it put the comment on hold for review."""
    if not comment.is_visible():
        raise ModerationError(_("This comment cannot be flagged."), status=404)
    if comment.author_id == user.pk:
        raise ModerationError(_("You cannot flag your own comment."), status=403)
    if screening.active_sanction(user):
        raise ModerationError(_("Your account cannot flag comments at the moment."), status=403)
    try:
        with transaction.atomic():
            # Lock the comment row first: concurrent flags on one comment then insert and count
            # one after another, so the one that reaches the threshold sees all the others.
            # NO KEY UPDATE is enough for that and does not block rows that merely refer to it.
            Comment.objects.select_for_update(no_key=True).filter(pk=comment.pk).values_list(
                "pk", flat=True
            ).first()
            Flag.objects.create(comment=comment, user=user, rule=rule, note=note.strip()[:500])
            flaggers = (
                Flag.objects.filter(comment=comment, resolved=False)
                .values("user_id")
                .distinct()
                .count()
            )
            if flaggers < settings.CROSSTALK["FLAGS_TO_HOLD"]:
                return False
            held = Comment.objects.filter(pk=comment.pk, status=Status.VISIBLE).update(
                status=Status.PENDING,
                hold_reason=_("Held for review after {n} readers flagged it.").format(n=flaggers),
            )
            if held:
                top_rule = (
                    PolicyRule.objects.filter(flags__comment=comment, flags__resolved=False)
                    .annotate(n=Count("flags"))
                    .order_by("-n", "number")
                    .first()
                )
                _log(
                    action=Action.HOLD,
                    comment=comment,
                    rule=top_rule,
                    note=_("{n} reader flags").format(n=flaggers),
                )
                article_touch(article_id=comment.article_id)
            return bool(held)
    except IntegrityError:
        raise ModerationError(_("You have already flagged this comment."), status=409) from None


def comment_edit(*, comment: Comment, user, body: str) -> Comment:
    """Replace the text of the user's own comment within the edit window, keeping the old one."""
    if not comment.is_editable_by(user):
        raise ModerationError(
            _("Only its author can edit a comment, within 15 minutes of posting it."), status=403
        )
    body = normalize_body(body)
    verdict = screening.screen(
        screening.Submission(author=user, article=comment.article, body=body, now=timezone.now()),
        rules=screening.EDIT_RULES,
    )
    if verdict and verdict.action == screening.REJECT:
        raise ModerationError(verdict.message, status=verdict.status)
    changes = {"body": body, "body_html": render_comment(body), "edited_at": timezone.now()}
    if verdict:  # held for review
        changes.update(status=Status.PENDING, hold_reason=verdict.message)
    with transaction.atomic():
        CommentRevision.objects.create(comment=comment, body=comment.body)
        Comment.objects.filter(pk=comment.pk).update(**changes)
        article_touch(article_id=comment.article_id)
    comment.refresh_from_db()
    return comment


def comment_delete(*, comment: Comment, user) -> None:
    """Withdraw the user's own comment; its replies stay, under a placeholder."""
    if not comment.is_deletable_by(user):
        raise ModerationError(_("Only its author can delete a comment."), status=403)
    with transaction.atomic():
        Comment.objects.filter(pk=comment.pk).update(status=Status.DELETED, is_featured=False)
        article_touch(article_id=comment.article_id)


def user_sanction(*, user, kind: str, reason: str, moderator, until=None) -> Sanction:
    """Suspend a user until a date, or ban them; log it."""
    if kind == Sanction.Kind.SUSPENSION and (until is None or until <= timezone.now()):
        raise ModerationError(_("A suspension needs an end date in the future."))
    with transaction.atomic():
        sanction = Sanction.objects.create(
            user=user,
            kind=kind,
            until=until if kind == Sanction.Kind.SUSPENSION else None,
            reason=reason,
            created_by=moderator,
        )
        ModerationAction.objects.create(
            moderator=moderator,
            action=Action.BAN if kind == Sanction.Kind.BAN else Action.SUSPEND,
            target_user=user,
            note=reason[:500],
        )
    return sanction


def sanction_lift(*, sanction: Sanction, moderator, note: str = "") -> None:
    with transaction.atomic():
        Sanction.objects.filter(pk=sanction.pk).update(lifted_at=timezone.now())
        ModerationAction.objects.create(
            moderator=moderator, action=Action.LIFT, target_user=sanction.user, note=note[:500]
        )
