"""Writes to accounts: display name, email address and its confirmation, deletion."""

import hashlib
from datetime import timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Greatest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.confusables import skeleton
from accounts.models import ReservedName, User
from accounts.signals import public_name_changed
from discussions import markup
from discussions.models import (
    IN_DISCUSSION,
    Comment,
    CommentRevision,
    Flag,
    RejectedComment,
    Vote,
)
from discussions.services.posting import article_touch, lock_author
from discussions.services.votes import lock_vote
from notifications.events import recount_unread
from notifications.models import Follow, MailSettings, Notification
from outbox.models import OutgoingMail
from outbox.services import mail_queue

EMAIL_LINK_SALT = "accounts.verify-email"
# How long the confirmation link mailed to a new address works.
EMAIL_LINK_MAX_AGE = timedelta(days=3)


def user_set_display_name(*, user, display_name: str) -> None:
    """Change the user's display name; pages that show it are refreshed by the receivers of
    public_name_changed, in the same transaction."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(display_name=display_name)
        user.display_name = display_name
        public_name_changed.send(sender=User, user=user)


# The email address and its confirmation ---------------------------------------------------


class EmailLinkError(Exception):
    """A confirmation link that confirms nothing; reason is one of the constants below."""

    INVALID = "invalid"  # tampered with, truncated, or for an account that is gone
    EXPIRED = "expired"  # older than EMAIL_LINK_MAX_AGE
    USED = "used"  # the address it names is confirmed already
    STALE = "stale"  # the account's address changed since the link was mailed

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _address_digest(address: str) -> str:
    # A signed token is readable, not secret: the link carries a digest, not the address, so
    # the address never appears in a URL (server logs, browser history).
    return hashlib.sha256(address.lower().encode()).hexdigest()[:32]


def email_link_token(user) -> str:
    """Return the signed token of a link that confirms the user's current address: bound to
    the account and the address, so a link for an earlier address confirms nothing."""
    return signing.dumps({"u": user.pk, "e": _address_digest(user.email)}, salt=EMAIL_LINK_SALT)


def email_link_user(token: str, *, lock: bool = False) -> User:
    """Return the account whose current, unconfirmed address the link confirms (its row
    locked for this transaction with lock); raise EmailLinkError saying why it does not."""
    try:
        data = signing.loads(token, salt=EMAIL_LINK_SALT, max_age=EMAIL_LINK_MAX_AGE)
    except signing.SignatureExpired:
        raise EmailLinkError(EmailLinkError.EXPIRED) from None
    except signing.BadSignature:
        raise EmailLinkError(EmailLinkError.INVALID) from None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        raise EmailLinkError(EmailLinkError.INVALID)
    accounts = User.objects.select_for_update() if lock else User.objects
    user = accounts.filter(pk=data["u"], is_active=True, deleted_at__isnull=True).first()
    if user is None:
        raise EmailLinkError(EmailLinkError.INVALID)
    if not user.email or _address_digest(user.email) != data.get("e"):
        raise EmailLinkError(EmailLinkError.STALE)
    if user.email_verified_at is not None:
        raise EmailLinkError(EmailLinkError.USED)
    return user


def email_verify(*, token: str) -> User:
    """Confirm the address the link names; raise EmailLinkError when it confirms nothing."""
    with transaction.atomic():
        # Under the row lock, so two clicks of one link confirm once and the second is "used".
        user = email_link_user(token, lock=True)
        user.email_verified_at = timezone.now()
        # The reader received this mail: whatever bounced before does not any more.
        user.email_bounced_at = None
        user.save(update_fields=["email_verified_at", "email_bounced_at"])
    return user


def email_verification_send(*, user) -> None:
    """Queue the mail with the link that confirms the user's current address (the one mail
    that goes to an address before it is confirmed)."""
    if not user.email:
        return
    url = settings.SITE_URL.rstrip("/") + reverse(
        "accounts:verify_email", args=[email_link_token(user)]
    )
    context = {
        "user": user,
        "url": url,
        "days": EMAIL_LINK_MAX_AGE.days,
        "settings_url": settings.SITE_URL.rstrip("/") + reverse("accounts:settings"),
    }
    mail_queue(
        to=user.email,
        subject=_("Confirm your email address for crosstalk"),
        text=render_to_string("accounts/mail/verify_email.txt", context),
        kind="email_verification",
        user=user,
    )


def user_set_email(*, user, email: str) -> bool:
    """Give the user this address (or none); a new address is unconfirmed until its link
    is followed, and the link is mailed. Return whether a link was mailed.

    A change of letter case only is the same address: it stays confirmed.
    """
    email = email.strip()
    if user.email == email:
        return False
    same = bool(email) and user.has_email(email)
    with transaction.atomic():
        user.email = email
        fields = ["email"]
        if not same:
            user.email_verified_at = None
            user.email_bounced_at = None
            fields += ["email_verified_at", "email_bounced_at"]
        user.save(update_fields=fields)
        if not same and email:
            email_verification_send(user=user)
            return True
    return False


def email_verification_resend(*, user) -> bool:
    """Mail the confirmation link again, for an unconfirmed or bounced address (a bounced
    one becomes unconfirmed again); return whether a link was mailed."""
    if not user.email or user.can_receive_mail:
        return False
    with transaction.atomic():
        user.email_verified_at = None
        user.email_bounced_at = None
        user.save(update_fields=["email_verified_at", "email_bounced_at"])
        email_verification_send(user=user)
    return True


def user_settings_save(*, user, display_name: str, email: str, mail_settings) -> bool:
    """Save the settings page at once: display name, address, and the mail choices (an
    unsaved or saved MailSettings of this user). Return whether a confirmation link was
    mailed."""
    with transaction.atomic():
        if display_name != user.display_name:
            user_set_display_name(user=user, display_name=display_name)
        mailed = user_set_email(user=user, email=email)
        mail_settings.user = user
        mail_settings.save()
    return mailed


def email_mark_bounced(*, address: str) -> int:
    """Record that mail to this address bounced, on the accounts that have it; return how
    many did."""
    return (
        User.objects.with_email(address)
        .filter(email_bounced_at__isnull=True)
        .update(email_bounced_at=timezone.now())
    )


# Deleting an account ----------------------------------------------------------------------


def user_delete(*, user) -> None:
    """Delete the reader's account, in one transaction.

    What they wrote goes: their comments become deleted placeholders (replies stay under
    them) without author, text, address or IP; their votes are withdrawn, each counter moved
    with its vote; their notifications, follows, mail settings, rejected drafts, earlier
    comment texts, login records and the mail queued or sent to them are deleted. The
    account row stays as an anonymous, inactive tombstone ("a deleted account") so the
    moderation log and sanctions keep their rows; the flags they raised stay, anonymous.
    Their username and display name are held for ReservedName.HOLD before another account
    may take them.
    """
    now = timezone.now()
    with transaction.atomic():
        # The lock their posting and editing take: a comment of theirs in flight is in the
        # snapshot below, or waits and finds the account gone.
        lock_author(author_id=user.pk)
        user = User.objects.select_for_update().get(pk=user.pk)
        if user.is_deleted:
            return
        _names_reserve(user, now=now)
        own = list(Comment.objects.filter(author_id=user.pk).values_list("pk", "article_id"))
        own_ids = [pk for pk, _article_id in own]
        touched = {article_id for _pk, article_id in own}
        touched |= _votes_withdraw(user)

        CommentRevision.objects.filter(comment_id__in=own_ids).delete()
        about_theirs = Notification.objects.filter(comment_id__in=own_ids).exclude(
            recipient_id=user.pk
        )
        told = set(about_theirs.values_list("recipient_id", flat=True))
        Notification.objects.filter(Q(recipient_id=user.pk) | Q(comment_id__in=own_ids)).delete()
        recount_unread(told)
        Notification.objects.filter(actor_id=user.pk).update(actor=None)
        Follow.objects.filter(user_id=user.pk).delete()
        Flag.objects.filter(user_id=user.pk).update(user=None)
        MailSettings.objects.filter(user_id=user.pk).delete()
        RejectedComment.objects.filter(author_id=user.pk).delete()
        for model in (AccessAttempt, AccessFailureLog, AccessLog):
            model.objects.filter(username=user.username).delete()
        # Mail to them: what is queued never goes, what went keeps no copy of their address.
        to_them = Q(user_id=user.pk)
        if user.email:
            to_them |= Q(to__iexact=user.email)
        OutgoingMail.objects.filter(to_them).delete()

        mine = Comment.objects.filter(pk__in=own_ids)
        mine.filter(status__in=IN_DISCUSSION).update(status=Comment.Status.DELETED)
        mine.update(
            author=None,
            body="",
            body_html="",
            ip_address=None,
            guest_name="",
            guest_email="",
            hold_reason="",
            is_featured=False,
            featured_at=None,
        )
        markup.refresh(own_ids)

        _tombstone(user, now=now)
        for article_id in sorted(touched):
            article_touch(article_id=article_id)
        public_name_changed.send(sender=User, user=user)


def _names_reserve(user, *, now) -> None:
    """Hold the look-alike forms of the user's names; drop the holds that are over."""
    ReservedName.objects.filter(expires_at__lte=now).delete()
    skeletons = {skeleton(name) for name in (user.username, user.display_name) if name}
    ReservedName.objects.bulk_create(
        ReservedName(skeleton=form, expires_at=now + ReservedName.HOLD) for form in skeletons
    )


def _votes_withdraw(user) -> set[int]:
    """Delete the user's votes, moving each comment's counters with them; return the
    articles whose discussions changed."""
    voted = sorted(Vote.objects.filter(user_id=user.pk).values_list("comment_id", flat=True))
    # The lock vote_cast takes: a vote of theirs in flight finishes first, or waits for this.
    for comment_id in voted:
        lock_vote(user_id=user.pk, comment_id=comment_id)
    votes = list(
        Vote.objects.filter(user_id=user.pk).values_list(
            "pk", "comment_id", "value", "comment__article_id"
        )
    )
    Vote.objects.filter(pk__in=[pk for pk, *_rest in votes]).delete()
    for value, field in ((Vote.Value.UP, "upvotes"), (Vote.Value.DOWN, "downvotes")):
        ids = [comment_id for _pk, comment_id, v, _a in votes if v == value]
        if ids:
            Comment.objects.filter(pk__in=ids).update(**{field: Greatest(F(field) - 1, 0)})
    return {article_id for *_rest, article_id in votes}


def _tombstone(user, *, now) -> None:
    """Strip the account row of everything that names or reaches the person."""
    user.username = f"~deleted-{user.pk}"  # "~" is no letter of a username anyone can choose
    user.display_name = ""
    user.first_name = ""
    user.last_name = ""
    user.email = ""
    user.email_verified_at = None
    user.email_bounced_at = None
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.last_login = None
    user.unread_notifications = 0
    user.deleted_at = now
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
