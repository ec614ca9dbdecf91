from urllib.parse import urlencode

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from articles.views import published_article, render_article
from discussions.forms import CommentForm
from discussions.models import Comment, PolicyRule
from discussions.pages import personal_html, thread_fragment
from discussions.rendering import render_layout
from discussions.services import CommentRejected, comment_post, vote_cast
from discussions.threads import (
    build_nodes,
    lay_out,
    page_of_tree,
    parse_sort,
    public_shown,
    subtree_rows,
)


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _closed(request, article):
    context = {"article": article}
    return render(request, "discussions/comments_closed.html", context, status=403)


@require_http_methods(["GET", "POST"])
def comment_create(request, slug):
    article = published_article(slug)
    if request.method == "GET":
        return redirect(article.get_absolute_url() + "#comment-form")
    if not request.user.is_authenticated:
        return redirect_to_login(article.get_absolute_url() + "#comment-form")
    if not article.accepts_comments():
        return _closed(request, article)
    form = CommentForm(request.POST)
    sort = parse_sort(request.POST.get("sort"))
    status = 400
    if form.is_valid():
        try:
            comment = comment_post(
                article=article,
                author=request.user,
                body=form.cleaned_data["body"],
                parent_id=form.cleaned_data["parent"],
            )
        except CommentRejected as exc:
            form.add_error(None, exc.message)
            status = exc.status
        else:
            return redirect(_landing_url(article, comment, sort))
    reply_to = form.cleaned_data.get("parent") if hasattr(form, "cleaned_data") else None
    return render_article(request, article, form=form, status=status, reply_to=reply_to)


def _landing_url(article, comment, sort: str) -> str:
    """Return where the reader sees the new comment: its article page if shown there, else
    its permalink."""
    article.refresh_from_db(fields=["discussion_version"])
    page = page_of_tree(article, sort=sort, tree_id=comment.tree_id)
    # Rendering it here also fills the cache for the redirected request.
    fragment = thread_fragment(article, sort=sort, page=page)
    if comment.pk in fragment.comment_ids:
        query = urlencode({"sort": sort, "page": page}) if (sort, page) != ("best", 1) else ""
        return f"{article.get_absolute_url()}{'?' if query else ''}{query}#comment-{comment.pk}"
    return f"{comment.get_absolute_url()}?sort={sort}#comment-{comment.pk}"


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
    tops = build_nodes(subtree_rows(comment), is_shown=public_shown)
    layout = lay_out(tops, sort=sort, focus_id=comment.pk, base_level=comment.level)
    if comment.pk not in layout.rendered_ids:
        raise Http404(_("This comment is not available."))
    html = render_layout(
        layout,
        sort=sort,
        focus_id=comment.pk,
        return_path=f"{comment.get_absolute_url()}?sort={sort}",
    )
    context = {
        "comment": comment,
        "article": article,
        "sort": sort,
        "thread_html": personal_html(request, html, layout.rendered_ids),
        "form": CommentForm(initial={"parent": comment.pk}),
        "can_reply": comment.is_visible() and article.accepts_comments(),
    }
    return render(request, "discussions/permalink.html", context)


@require_POST
def vote(request, pk):
    comment = get_object_or_404(Comment.objects.select_related("article"), pk=pk)
    back = _safe_next(request, comment)
    if not request.user.is_authenticated:
        return redirect_to_login(back)
    if not comment.is_visible() or not comment.article.is_public():
        raise Http404(_("This comment cannot be voted on."))
    value = request.POST.get("value", "")
    if value not in {"1", "-1", "0"}:
        message = _("A vote is 1 (up), -1 (down) or 0 (withdraw).")
        if _wants_json(request):
            return JsonResponse({"error": message}, status=400)
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
    if comment.author_id == request.user.pk:
        message = _("You cannot vote on your own comment.")
        if _wants_json(request):
            return JsonResponse({"error": message}, status=403)
        return render(request, "403.html", {"message": message}, status=403)
    up, down, current = vote_cast(comment=comment, user=request.user, value=int(value))
    if _wants_json(request):
        return JsonResponse({"id": comment.pk, "upvotes": up, "downvotes": down, "value": current})
    return redirect(back)


def _safe_next(request, comment) -> str:
    target = request.POST.get("next") or comment.article.get_absolute_url()
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = comment.article.get_absolute_url()
    return f"{target.split('#')[0]}#comment-{comment.pk}"


@require_safe
def policy(request):
    rules = PolicyRule.objects.all()
    return render(request, "discussions/policy.html", {"rules": rules})


def csrf_failure(request, reason=""):
    message = _("Your form expired or came from another site. Reload the page and try again.")
    return render(request, "403.html", {"message": message}, status=403)
