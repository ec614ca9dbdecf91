"""Notification mail: which readers get one, when, and what it says.

"Immediately" means within about a minute: each event schedules one task for all of its
recipients (notifications.tasks.schedule_mail), CROSSTALK["MAIL_DELAY_SECONDS"] (60) after it
commits. When it runs, each reader's unread, not yet mailed notifications of their
"immediately" kinds go out as one mail: a burst of replies is one mail, and what the reader
already read in the site is not mailed at all. Daily digests gather the "daily" kinds once a
day at CROSSTALK["DIGEST_HOUR"] (UTC).

Every mail carries List-Unsubscribe and List-Unsubscribe-Post (RFC 8058) with a signed link
that turns that kind off without signing in; the same link is in the body. Mail goes only to
verified, not bounced addresses (User.can_receive_mail), through outbox.services.mail_queue.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from notifications.models import Decision, Frequency, Kind, MailSettings, Notification

UNSUBSCRIBE_SALT = "notifications.unsubscribe"
UNSUBSCRIBE_MAX_AGE = timedelta(days=90)


def absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def unsubscribe_token(user_id: int, kind: str) -> str:
    return signing.dumps({"u": user_id, "k": kind}, salt=UNSUBSCRIBE_SALT, compress=True)


def read_unsubscribe_token(token: str) -> tuple[int, str]:
    """Return (user id, kind) of a valid link; raise signing.BadSignature (or its subclass
    SignatureExpired) for a tampered or expired one."""
    data = signing.loads(token, salt=UNSUBSCRIBE_SALT, max_age=UNSUBSCRIBE_MAX_AGE)
    if not isinstance(data, dict) or data.get("k") not in Kind.values:
        raise signing.BadSignature("not an unsubscribe token")
    return int(data["u"]), data["k"]


def unsubscribe_url(user_id: int, kind: str) -> str:
    return absolute(reverse("notifications:unsubscribe", args=[unsubscribe_token(user_id, kind)]))


def pending(user, kinds, *, now: datetime):
    """The reader's unread notifications of these kinds that no mail told of yet, locked for
    this transaction (a second worker skips them instead of mailing them twice)."""
    return list(
        Notification.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(
            recipient=user,
            kind__in=kinds,
            read_at__isnull=True,
            mailed_at__isnull=True,
            created_at__lte=now,
        )
        .select_related("comment__article", "report__article", "actor", "rule")
        .order_by("created_at", "id")
    )


def mail_user(user, *, frequency: str, now: datetime | None = None) -> bool:
    """Queue one mail telling the reader of their pending notifications of the kinds they
    want at this frequency; return whether there was anything to tell."""
    now = now or timezone.now()
    if not user.can_receive_mail:
        return False
    choices = MailSettings.for_user(user)
    kinds = [kind for kind in Kind.values if choices.frequency(kind) == frequency]
    if not kinds:
        return False
    from outbox.services import mail_queue

    with transaction.atomic():
        items = pending(user, kinds, now=now)
        if not items:
            return False
        with translation.override(settings.LANGUAGE_CODE):
            message = compose(user, items, digest=frequency == Frequency.DAILY)
        Notification.objects.filter(pk__in=[n.pk for n in items]).update(mailed_at=now)
        mail_queue(user=user, to=user.email, kind="notifications", **message)
    return True


def compose(user, items: list[Notification], *, digest: bool) -> dict:
    """Return subject, text, html and headers of the mail telling the reader of these."""
    kinds = sorted({n.kind for n in items})
    # One kind: its link turns that kind off; several: the first, and the settings page
    # (linked in the body) turns off the rest.
    unsubscribe = unsubscribe_url(user.pk, kinds[0])
    entries = [
        {
            "text": describe(n),
            "article": n.article.title,
            "url": absolute(n.get_absolute_url()),
            "rule_url": absolute(reverse("discussions:policy") + f"#rule-{n.rule.number}")
            if n.rule
            else "",
        }
        for n in items
    ]
    if len(items) == 1:
        subject = _("{what} on “{title}”").format(
            what=describe(items[0]), title=items[0].article.title
        )
    elif digest:
        subject = ngettext(
            "Your crosstalk digest: {n} notification",
            "Your crosstalk digest: {n} notifications",
            len(items),
        ).format(n=len(items))
    else:
        subject = ngettext(
            "{n} new notification on crosstalk", "{n} new notifications on crosstalk", len(items)
        ).format(n=len(items))
    context = {
        "user": user,
        "entries": entries,
        "digest": digest,
        "unsubscribe_url": unsubscribe,
        "unsubscribe_kind": Kind(kinds[0]).label,
        "settings_url": absolute(reverse("accounts:settings")),
        "inbox_url": absolute(reverse("notifications:inbox")),
    }
    return {
        "subject": subject,
        "text": render_to_string("notifications/mail/notifications.txt", context),
        "html": render_to_string("notifications/mail/notifications.html", context),
        "headers": {
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    }


def describe(notification: Notification) -> str:
    """One line saying what happened (no moderator is ever named)."""
    actor = notification.actor.public_name if notification.actor else _("Someone")
    if notification.kind == Kind.REPLY:
        return _("{name} replied to your comment").format(name=actor)
    if notification.kind == Kind.MENTION:
        return _("{name} mentioned you").format(name=actor)
    if notification.kind == Kind.FOLLOW:
        return _("{name} commented in a discussion you follow").format(name=actor)
    if notification.kind == Kind.FEATURED:
        return _("The editors picked your comment")
    if notification.kind == Kind.REPORT:
        return {
            Decision.ACCEPTED: _("The editors accepted your translation report"),
            Decision.REJECTED: _("The editors declined your translation report"),
            Decision.DUPLICATE: _("Your translation report repeats one the editors already have"),
            Decision.CORRECTED: _("The article you reported was corrected"),
        }.get(notification.decision, _("The editors decided on your translation report"))
    rule = notification.rule
    if notification.decision == "removed" and rule is not None:
        return _("Your comment was removed under rule {number}: {title}").format(
            number=rule.number, title=rule.title
        )
    if notification.decision == "removed":
        return _("Your comment was removed")
    if notification.decision == "approved":
        return _("Your comment was approved")
    return _("Your comment is held for review")
