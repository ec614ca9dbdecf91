from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from articles.models import Article
from core.http import local_target, parse_page
from discussions.models import Comment, shown_to_q
from notifications.events import recount_unread
from notifications.mail import describe, read_unsubscribe_token
from notifications.models import POST_KINDS, Follow, Frequency, Kind, MailSettings, Notification

PER_PAGE = 20


def inbox_queryset(user):
    """The reader's notifications they may still see, newest first: a notification of a post
    kind whose comment the reader can no longer see is not listed."""
    return (
        Notification.objects.filter(recipient=user)
        .filter(~Q(kind__in=POST_KINDS) | Q(pk__in=_seen_posts(user)))
        .select_related("comment__article", "report__article", "actor", "rule")
        .order_by("-created_at", "-id")
    )


def _seen_posts(user):
    visible = Comment.objects.filter(shown_to_q(user)).values("pk")
    return Notification.objects.filter(
        recipient=user, kind__in=POST_KINDS, comment_id__in=visible
    ).values("pk")


@login_required
def inbox(request):
    page = Paginator(inbox_queryset(request.user), PER_PAGE).get_page(
        parse_page(request.GET.get("page"))
    )
    items = [(n, describe(n)) for n in page.object_list]
    return render(request, "notifications/inbox.html", {"page_obj": page, "items": items})


@login_required
@require_POST
def mark_read(request):
    """Mark one notification (field `id`) or all of the reader's read."""
    unread = Notification.objects.filter(recipient=request.user, read_at__isnull=True)
    raw = request.POST.get("id", "")
    if raw:
        if not (raw.isascii() and raw.isdigit()):
            raise Http404(_("No such notification."))
        notification = get_object_or_404(Notification, pk=int(raw), recipient=request.user)
        unread.filter(pk=notification.pk).update(read_at=timezone.now())
    else:
        unread.update(read_at=timezone.now())
    recount_unread([request.user.pk])
    return redirect(local_target(request, "/notifications/"))


@csrf_exempt  # RFC 8058: the one-click POST comes from the mail client, with no CSRF token
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """A mail's unsubscribe link: GET asks to confirm (mail scanners follow links), POST turns
    that kind of mail off. No sign-in; the signed token names the reader and the kind."""
    try:
        user_id, kind = read_unsubscribe_token(token)
    except signing.SignatureExpired:
        return _bad_link(request, _("This unsubscribe link has expired."))
    except signing.BadSignature:
        return _bad_link(request, _("This unsubscribe link is not valid."))
    choices = MailSettings.objects.filter(user_id=user_id).first() or MailSettings(user_id=user_id)
    if choices.frequency(kind) == Frequency.OFF:
        return _bad_link(request, _("You are already unsubscribed from these mails."))
    label = Kind(kind).label
    if request.method == "GET":
        return render(request, "notifications/unsubscribe.html", {"kind": label, "token": token})
    with transaction.atomic():
        setattr(choices, kind, Frequency.OFF)
        choices.save()
    return render(request, "notifications/unsubscribed.html", {"kind": label})


def _bad_link(request, message: str):
    return render(request, "notifications/bad_link.html", {"message": message}, status=400)


@login_required
@require_POST
def follow_article(request, slug):
    article = get_object_or_404(Article.objects.published(), slug=slug)
    follow, created = Follow.objects.get_or_create(user=request.user, article=article)
    if not created:
        follow.delete()
        messages.success(request, _("You no longer follow this discussion."))
    else:
        messages.success(request, _("You follow this discussion: new comments notify you."))
    return redirect(local_target(request, article.get_absolute_url() + "#comments"))


def _subtree_choice(request, pk, *, muted: bool):
    comment = get_object_or_404(
        Comment.objects.filter(shown_to_q(request.user)).select_related("article"), pk=pk
    )
    back = local_target(request, comment.article.get_absolute_url()).split("#")[0]
    existing = Follow.objects.filter(user=request.user, comment=comment).first()
    if existing is not None and existing.muted == muted:
        existing.delete()
        message = _("Unmuted.") if muted else _("You no longer follow these replies.")
    else:
        Follow.objects.update_or_create(
            user=request.user, comment=comment, defaults={"muted": muted}
        )
        message = (
            _("Muted: nothing under this comment notifies you.")
            if muted
            else _("You follow the replies under this comment.")
        )
    messages.success(request, message)
    return redirect(f"{back}#comment-{comment.pk}")


@login_required
@require_POST
def follow_comment(request, pk):
    return _subtree_choice(request, pk, muted=False)


@login_required
@require_POST
def mute_comment(request, pk):
    return _subtree_choice(request, pk, muted=True)
