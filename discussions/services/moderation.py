"""Moderation writes: decisions on comments, flags, sanctions, policy versions. Each writes
its rows, its log line and the cache bump in one transaction.

Status changes use UPDATE on named columns only: a Comment is never save()d here, because
mptt's save() would write back tree positions read before a concurrent reply moved them.
"""

from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User, may_sanction
from discussions import markup, signals
from discussions.models import (
    Comment,
    Flag,
    ModerationAction,
    PolicyRule,
    PolicyVersion,
    Sanction,
)
from discussions.services.errors import ModerationError, check_reaction
from discussions.services.log import log_action
from discussions.services.posting import article_touch

Action = ModerationAction.Action
Status = Comment.Status


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


# A decision is refused when the comment left the state its moderator saw it in: decided (or
# deleted) by someone else meanwhile. What they saw is the instance they pass in.
_DECISIONS = (Action.APPROVE, Action.REMOVE, Action.SPAM)
_DECIDED = (Status.REMOVED, Status.SPAM, Status.DELETED)


def _check_moderator(moderator: User | None) -> None:
    """Refuse (403) a moderator's action asked for someone who does not moderate
    (User.is_moderator): the views let only moderators ask, and the service does not trust
    them to."""
    if moderator is None or not moderator.is_moderator:
        raise ModerationError(_("Only a moderator can do this."), code="not_moderator", status=403)


def comment_moderate(
    *,
    comment: Comment,
    moderator: User,
    action: str,
    rule: PolicyRule | None = None,
    note: str = "",
) -> None:
    """Apply a moderator's decision (approve, remove, spam, feature, unfeature) to a comment.

    The comment's row is locked and its status read again inside the transaction, so of two
    moderators deciding on one comment at once exactly one decision is applied and logged;
    the other is refused (ModerationError, code "decided", status 409) when the comment is
    no longer as its moderator saw it: held then, decided now, or removed meanwhile."""
    _check_moderator(moderator)
    if action == Action.REMOVE and rule is None:
        raise ModerationError(_("Removing a comment needs the rule it breaks."), code="no_rule")
    changes = {
        Action.APPROVE: {"status": Status.VISIBLE, "status_rule": None, "hold_reason": ""},
        Action.REMOVE: {"status": Status.REMOVED, "status_rule": rule, "is_featured": False},
        Action.SPAM: {"status": Status.SPAM, "status_rule": rule, "is_featured": False},
        Action.FEATURE: {"is_featured": True, "featured_at": timezone.now()},
        Action.UNFEATURE: {"is_featured": False},
    }.get(action)
    if changes is None:
        raise ModerationError(_("Unknown moderation action."), code="bad_action")
    seen = comment.status
    with transaction.atomic():
        was = (
            Comment.objects.select_for_update(no_key=True)
            .filter(pk=comment.pk)
            .values_list("status", flat=True)
            .first()
        )
        if was is None:
            raise ModerationError(_("This comment no longer exists."), code="gone", status=404)
        if action in _DECISIONS and was != seen and (seen == Status.PENDING or was in _DECIDED):
            raise ModerationError(
                _(
                    "Another moderator decided on this comment meanwhile: it is now “{status}”."
                ).format(status=Status(was).label),
                code="decided",
                status=409,
            )
        if action == Action.FEATURE and was != Status.VISIBLE:
            raise ModerationError(_("Only a visible comment can be featured."), code="not_visible")
        Comment.objects.filter(pk=comment.pk).update(**changes)
        markup.refresh([comment.pk])
        if action in _DECISIONS:
            comment.flags.filter(resolved=False).update(resolved=True)
        log_action(action=action, moderator=moderator, comment=comment, rule=rule, note=note)
        article_touch(article_id=comment.article_id)
        _tell(comment, action=action, was=was, moderator=moderator, rule=rule)
        for name, value in changes.items():
            setattr(comment, name, value)


def _tell(comment: Comment, *, action: str, was: str, moderator, rule) -> None:
    """Notify of a decision: its author, and on the approval of a held comment, the readers
    it replies to, mentions or interests, as if it were posted now."""
    if action == Action.APPROVE and was == Status.PENDING:
        comment.status = Status.VISIBLE
        signals.comment_decided.send(
            Comment, comment=comment, decision="approved", moderator=moderator
        )
        signals.comment_published.send(Comment, comment=comment)
    elif action in (Action.REMOVE, Action.SPAM) and was not in (Status.REMOVED, Status.SPAM):
        signals.comment_withdrawn.send(Comment, comment=comment)
        signals.comment_decided.send(
            Comment, comment=comment, decision="removed", moderator=moderator, rule=rule
        )
    elif action == Action.FEATURE:
        signals.comment_featured.send(Comment, comment=comment, moderator=moderator)


def flag_create(*, comment: Comment, user: User, rule: PolicyRule, note: str = "") -> bool:
    """Record a reader's flag; return True when it put the comment on hold for review."""
    flag_check(comment=comment, user=user)
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
                markup.refresh([comment.pk])
                top_rule = (
                    PolicyRule.objects.filter(flags__comment=comment, flags__resolved=False)
                    .annotate(n=Count("flags"))
                    .order_by("-n", "number")
                    .first()
                )
                log_action(
                    action=Action.HOLD,
                    comment=comment,
                    rule=top_rule,
                    note=_("{n} reader flags").format(n=flaggers),
                )
                article_touch(article_id=comment.article_id)
                signals.comment_withdrawn.send(Comment, comment=comment)
                signals.comment_decided.send(Comment, comment=comment, decision="held")
            return bool(held)
    except IntegrityError:
        raise ModerationError(
            _("You have already flagged this comment."), code="already_flagged", status=409
        ) from None


def flag_check(*, comment: Comment, user: User) -> None:
    """Raise ModerationError unless the user may flag the comment now: a comment that takes
    reactions, not their own, not while sanctioned, and not one they flagged already (409)."""
    check_reaction(
        comment,
        user,
        allowed=comment.is_flaggable_by(user),
        error=ModerationError,
        refusals={
            "hidden": _("This comment cannot be flagged."),
            "own": _("You cannot flag your own comment."),
            "sanctioned": _("Your account cannot flag comments at the moment."),
        },
    )
    if Flag.objects.filter(comment=comment, user=user).exists():
        raise ModerationError(
            _("You have already flagged this comment."), code="already_flagged", status=409
        )


def user_sanction(
    *,
    user: User,
    kind: str,
    moderator: User,
    rule: PolicyRule | None = None,
    until: datetime | None = None,
    reason: str = "",
) -> Sanction:
    """Suspend a user until a date, or ban them, citing the rule they broke; log it.

    reason: the private note for moderators (never public). Only a superuser may sanction a
    staff account."""
    _check_moderator(moderator)
    if rule is None:
        raise ModerationError(_("A sanction needs the rule it applies."), code="no_rule")
    if not may_sanction(moderator, user):
        raise ModerationError(
            _("Only a superuser can sanction a staff account."), code="staff_target", status=403
        )
    if kind not in Sanction.Kind.values:
        raise ModerationError(_("Unknown kind of sanction."), code="bad_kind")
    if kind == Sanction.Kind.SUSPENSION and (until is None or until <= timezone.now()):
        raise ModerationError(_("A suspension needs an end date in the future."), code="bad_until")
    with transaction.atomic():
        sanction = Sanction.objects.create(
            user=user,
            kind=kind,
            until=until if kind == Sanction.Kind.SUSPENSION else None,
            rule=rule,
            reason=reason,
            created_by=moderator,
        )
        log_action(
            moderator=moderator,
            action=Action.BAN if kind == Sanction.Kind.BAN else Action.SUSPEND,
            target_user=user,
            rule=rule,
            note=reason,
        )
    return sanction


def sanction_lift(*, sanction: Sanction, moderator: User, note: str = "") -> bool:
    """Lift a sanction early, logged with the rule it applied; return False when it was
    lifted already (by someone else meanwhile)."""
    _check_moderator(moderator)
    with transaction.atomic():
        lifted = Sanction.objects.filter(pk=sanction.pk, lifted_at__isnull=True).update(
            lifted_at=timezone.now()
        )
        if not lifted:
            return False
        log_action(
            moderator=moderator,
            action=Action.LIFT,
            target_user=sanction.user,
            rule=sanction.rule,
            note=note,
        )
    return True
