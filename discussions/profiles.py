"""Public profiles, /users/<username>/: an account's name, when it joined, its comments.

Everyone sees the comments that shown_to_q shows them, with their number and score; the
account itself and moderators also see the ones held, removed or marked as spam (each marked
with its status), and moderators see a sanction in force. A deleted comment's text never
leaves the database. No e-mail address or IP address is read for a profile at all.
"""

from urllib.parse import quote

from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Case, Count, F, Sum, TextField, Value, When
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import RFC3986_SUBDELIMS
from django.views.decorators.http import require_safe
from markupsafe import Markup, escape

from articles.models import Article
from core.http import parse_page
from discussions.models import Comment, Sanction

# Comments listed on one page of a profile.
PROFILE_PAGE_SIZE = 20

# What reverse() leaves unquoted in a path (the URL pattern takes a "/" in a username).
_PATH_SAFE = RFC3986_SUBDELIMS + "/~:@"


class ProfilePaths:
    """The profile path of each username, /users/<username>/, quoted as reverse() quotes it
    and escaped for an attribute: the prefix reversed once, each name quoted once (one
    instance per rendered thread or comment body)."""

    def __init__(self):
        self._base = reverse("discussions:profile", args=["-"])[: -len("-/")]
        self._paths: dict[str, Markup] = {}

    def __call__(self, username: str) -> Markup:
        path = self._paths.get(username)
        if path is None:
            path = escape(f"{self._base}{quote(username, safe=_PATH_SAFE)}/")
            self._paths[username] = path
        return path


def sees_every_comment_of(viewer, account) -> bool:
    """Return whether the viewer sees all of the account's comments on its profile, whatever
    their status: the account itself and moderators do."""
    return viewer.is_authenticated and (viewer.pk == account.pk or viewer.is_moderator)


def _on_public_articles(account):
    return Comment.objects.filter(author=account, article__in=Article.objects.published())


def profile_comments(account, *, viewer):
    """Return the account's comments this viewer sees on its profile, newest first, with their
    article; `text` is the rendered body, empty for a deleted comment."""
    comments = _on_public_articles(account)
    if not sees_every_comment_of(viewer, account):
        comments = comments.visible_to(viewer)
    return (
        comments.select_related("article")
        .annotate(
            text=Case(
                When(status=Comment.Status.DELETED, then=Value("")),
                default=F("body_html"),
                output_field=TextField(),
            )
        )
        .only(
            "id",
            "status",
            "created_at",
            "edited_at",
            "upvotes",
            "downvotes",
            "article__title",
            "article__slug",
        )  # fmt: skip
        .order_by("-created_at", "-id")
    )


def profile_totals(account) -> dict:
    """Return the number of the account's comments everyone sees and their total score
    (upvotes − downvotes)."""
    return (
        _on_public_articles(account)
        .visible_to(None)
        .aggregate(count=Count("pk"), score=Coalesce(Sum(F("upvotes") - F("downvotes")), 0))
    )


def sanction_note(account, *, viewer) -> Sanction | None:
    """Return the account's sanction in force when the viewer is a moderator, else None."""
    if not (viewer.is_authenticated and viewer.is_moderator):
        return None
    return Sanction.objects.in_force_for(account)


@require_safe
def profile(request, username):
    account = get_object_or_404(get_user_model().objects.with_profile(), username=username)
    comments = profile_comments(account, viewer=request.user)
    page = Paginator(comments, PROFILE_PAGE_SIZE).get_page(parse_page(request.GET.get("page")))
    context = {
        "account": account,
        "totals": profile_totals(account),
        "page_obj": page,
        "sanction": sanction_note(account, viewer=request.user),
        "Kind": Sanction.Kind,
    }
    return render(request, "discussions/profile.html", context)
