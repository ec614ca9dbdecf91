from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from articles.models import Article
from articles.views import parse_page, published_article, render_article
from discussions import screening
from discussions.forms import CommentForm, EditForm, FlagForm
from discussions.models import Comment, ModerationAction, PolicyRule, PolicyVersion
from discussions.moderation import (
    ModerationError,
    comment_delete,
    comment_edit,
    flag_create,
)
from discussions.pages import is_moderator, landing_url, personal_html
from discussions.rendering import render_layout
from discussions.services import CommentRejected, comment_submit, vote_cast
from discussions.threads import (
    build_nodes,
    lay_out,
    parse_sort,
    shown_to,
    subtree_rows,
)


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _refuse(request, message: str, status: int):
    """Answer a refused action: JSON for scripts, a page in the site's design otherwise."""
    if _wants_json(request):
        return JsonResponse({"error": message}, status=status)
    if status == 400:
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
    template = "404.html" if status == 404 else "403.html"
    return render(request, template, {"message": message}, status=status)


def _client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


@require_http_methods(["GET", "POST"])
def comment_create(request, slug):
    # Just the article: its tags and the reader's state are fetched only to re-render the form.
    article = get_object_or_404(Article.objects.published(), slug=slug)
    if request.method == "GET":
        return redirect(article.get_absolute_url() + "#comment-form")
    if not request.user.is_authenticated:
        return redirect_to_login(article.get_absolute_url() + "#comment-form")
    if not article.accepts_comments():
        return render(request, "discussions/comments_closed.html", {"article": article}, status=403)
    form = CommentForm(request.POST)
    sort = parse_sort(request.POST.get("sort"))
    status, retry_after = 400, None
    if form.is_bot():
        return redirect(article.get_absolute_url() + "#discussion")
    if form.is_valid():
        try:
            comment = comment_submit(
                article=article,
                author=request.user,
                body=form.cleaned_data["body"],
                parent_id=form.cleaned_data["parent"],
                ip_address=_client_ip(request),
            )
        except CommentRejected as exc:
            form.add_error(None, exc.message)
            status, retry_after = exc.status, exc.retry_after
        else:
            if comment.status == Comment.Status.PENDING:
                messages.info(
                    request,
                    _("Your comment is awaiting moderation. {reason}").format(
                        reason=comment.hold_reason
                    ),
                )
            return redirect(_landing_url(request, article, comment, sort))
    reply_to = form.cleaned_data.get("parent") if hasattr(form, "cleaned_data") else None
    article = published_article(slug, request.user)
    response = render_article(request, article, form=form, status=status, reply_to=reply_to)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def _landing_url(request, article, comment, sort: str) -> str:
    """Return where the reader sees the new comment: its article page if shown there, else
    its permalink."""
    return landing_url(request.user, article, comment, sort=sort)


def _public_comment(pk: int) -> Comment:
    comment = Comment.objects.select_related("article", "author").filter(pk=pk).first()
    if comment is None or not comment.article.is_public():
        raise Http404(_("No such comment."))
    return comment


@require_safe
def permalink(request, pk):
    comment = _public_comment(pk)
    article = comment.article
    sort = parse_sort(request.GET.get("sort"))
    is_shown = shown_to(
        request.user.pk if request.user.is_authenticated else None,
        moderator=is_moderator(request.user),
    )
    tops = build_nodes(subtree_rows(comment), is_shown=is_shown)
    layout = lay_out(tops, sort=sort, focus_id=comment.pk, base_level=comment.level)
    if comment.pk not in layout.rendered_ids:
        raise Http404(_("This comment is not available."))
    return_path = f"{comment.get_absolute_url()}?sort={sort}"
    html = render_layout(layout, sort=sort, focus_id=comment.pk, return_path=return_path)
    context = {
        "comment": comment,
        "article": article,
        "sort": sort,
        "thread_html": personal_html(request, html, layout.rendered_ids, layout.owners),
        "form": CommentForm(initial={"parent": comment.pk}),
        "can_reply": comment.is_visible() and article.accepts_comments(),
    }
    return render(request, "discussions/permalink.html", context)


def _back_to(request, comment) -> str:
    """Return where to send the reader after an action: a path of ours, never another site.

    Only a local path ("/...") is followed; anything else ("foo", "//evil", "/\\evil",
    "javascript:") falls back to the article, so the redirect always stays on this site.
    """
    default = comment.article.get_absolute_url()
    target = request.POST.get("next") or default
    if (
        not target.startswith("/")
        or target.startswith(("//", "/\\"))
        or not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())
    ):
        target = default
    return f"{target.split('#')[0]}#comment-{comment.pk}"


@csrf_exempt  # checked below for signed-in readers; for anyone else a vote changes nothing
@require_POST
def vote(request, pk):
    """Anonymous readers' vote buttons (on cached pages, without a CSRF token) lead to the
    login page; a signed-in reader's vote goes through the CSRF check like any change."""
    if not request.user.is_authenticated:
        comment = get_object_or_404(Comment.objects.select_related("article"), pk=pk)
        return redirect_to_login(_back_to(request, comment))
    return _vote(request, pk)


@csrf_protect
def _vote(request, pk):
    comment = get_object_or_404(Comment.objects.select_related("article"), pk=pk)
    back = _back_to(request, comment)
    if not comment.is_visible() or not comment.article.is_public():
        return _refuse(request, _("This comment cannot be voted on."), 404)
    value = request.POST.get("value", "")
    if value not in {"1", "-1", "0"}:
        return _refuse(request, _("A vote is 1 (up), -1 (down) or 0 (withdraw)."), 400)
    if comment.author_id == request.user.pk:
        return _refuse(request, _("You cannot vote on your own comment."), 403)
    if screening.active_sanction(request.user):
        return _refuse(request, _("Your account cannot vote at the moment."), 403)
    up, down, current = vote_cast(comment=comment, user=request.user, value=int(value))
    if _wants_json(request):
        return JsonResponse({"id": comment.pk, "upvotes": up, "downvotes": down, "value": current})
    return redirect(back)


@require_http_methods(["GET", "POST"])
def flag(request, pk):
    comment = get_object_or_404(Comment.objects.select_related("article", "author"), pk=pk)
    if not comment.article.is_public() or not comment.is_visible():
        raise Http404(_("This comment cannot be flagged."))
    if not request.user.is_authenticated:
        return redirect_to_login(comment.get_absolute_url() + "flag/")
    form = FlagForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                held = flag_create(
                    comment=comment,
                    user=request.user,
                    rule=form.cleaned_data["rule"],
                    note=form.cleaned_data["note"],
                )
            except ModerationError as exc:
                return _refuse(request, exc.message, exc.status)
            messages.success(
                request,
                _("Thank you. A moderator will review this comment against Rule {number}.").format(
                    number=form.cleaned_data["rule"].number
                ),
            )
            if held:
                # The comment is now hidden from the flagger: its permalink (or anchor) would
                # 404 or point at nothing, so land on the article's discussion instead.
                return redirect(comment.article.get_absolute_url() + "#discussion")
            return redirect(_back_to(request, comment))
        status = 400
    context = {"comment": comment, "form": form}
    return render(request, "discussions/flag.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def edit(request, pk):
    comment = get_object_or_404(Comment.objects.select_related("article"), pk=pk)
    if not comment.is_editable_by(request.user):
        return _refuse(
            request, _("Only its author can edit a comment, within 15 minutes of posting."), 403
        )
    sanction = screening.rule_sanction(
        screening.Submission(
            author=request.user, article=comment.article, body="", now=timezone.now()
        )
    )
    if sanction is not None:
        return _refuse(request, sanction.message, sanction.status)
    form = EditForm(request.POST or None, initial={"body": comment.body})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                comment = comment_edit(
                    comment=comment, user=request.user, body=form.cleaned_data["body"]
                )
            except ModerationError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(request, _("Your comment was updated."))
                if comment.status == Comment.Status.PENDING:
                    messages.info(
                        request,
                        _("Your comment is awaiting moderation. {reason}").format(
                            reason=comment.hold_reason
                        ),
                    )
                return redirect(f"{comment.get_absolute_url()}#comment-{comment.pk}")
    return render(
        request, "discussions/edit.html", {"comment": comment, "form": form}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def delete(request, pk):
    comment = get_object_or_404(Comment.objects.select_related("article"), pk=pk)
    if not comment.is_deletable_by(request.user):
        return _refuse(request, _("Only its author can delete a comment."), 403)
    if request.method == "POST":
        comment_delete(comment=comment, user=request.user)
        messages.success(request, _("Your comment was deleted."))
        return redirect(comment.article.get_absolute_url() + "#discussion")
    return render(request, "discussions/delete.html", {"comment": comment})


@require_safe
def policy(request):
    versions = list(PolicyVersion.objects.order_by("-number"))
    number = request.GET.get("version", "")
    shown = None
    if number:
        shown = next((v for v in versions if str(v.number) == number), None)
        if shown is None:
            raise Http404(_("No such version of the Comment Policy."))
    context = {
        "rules": PolicyRule.objects.all() if shown is None else None,
        "shown_version": shown,
        "current": versions[0] if versions else None,
        "versions": versions,
    }
    return render(request, "discussions/policy.html", context)


@require_safe
def moderation_log(request):
    actions = ModerationAction.objects.select_related(
        "moderator", "comment", "article", "policy_version"
    ).order_by("-created_at", "-id")
    page = Paginator(actions, 50).get_page(parse_page(request.GET.get("page")))
    return render(request, "discussions/moderation_log.html", {"page_obj": page})


def csrf_failure(request, reason=""):
    message = _("Your form expired or came from another site. Reload the page and try again.")
    return render(request, "403.html", {"message": message}, status=403)
