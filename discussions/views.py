from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from articles.models import Article
from core.http import local_path, parse_page
from discussions import screening
from discussions.forms import CommentForm, EditForm, FlagForm
from discussions.models import (
    Comment,
    ModerationAction,
    PolicyRule,
    PolicyVersion,
    edit_window_message,
)
from discussions.pages import (
    announce_hold,
    attach_preview,
    permalink_context,
    reader_annotations,
)
from discussions.services import (
    ActionRefused,
    comment_delete,
    comment_edit,
    flag_check,
    flag_create,
    vote_cast,
)
from discussions.services.votes import VOTE_VALUES


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


def _public_comment(pk: int) -> Comment:
    comment = Comment.objects.select_related("article", "author").filter(pk=pk).first()
    if comment is None or not comment.article.is_public():
        raise Http404(_("No such comment."))
    return comment


@require_safe
def permalink(request, pk):
    comment = _public_comment(pk)
    discussion = permalink_context(request, comment)
    if discussion is None:
        raise Http404(_("This comment is not available."))
    article = comment.article
    if request.user.is_authenticated:
        # The reader's own bits of the article (a sanction in force: a notice, not the form).
        article = Article.objects.annotate(**reader_annotations(request.user)).get(pk=article.pk)
    context = {
        **discussion,
        "comment": comment,
        "article": article,
        # A comment this reader sees only as a placeholder (removed, deleted, or awaiting
        # review by someone else) names no author anywhere on its page, and takes no reply
        # from here; what the reader sees stands in the discussion, which comment_submit asks
        # of a parent (a comment under review included, for its author and moderators).
        "show_author": discussion["shown"],
        "form": CommentForm(initial={"parent": comment.pk}),
        "can_reply": discussion["shown"] and article.accepts_comments(),
    }
    return render(request, "discussions/permalink.html", context)


def _back_to(request, comment) -> str:
    """Return where to send the reader after an action: a path of ours, never another site.

    Only a local path ("/...") is followed; anything else ("foo", "//evil", "/\\evil",
    "javascript:") falls back to the article, so the redirect always stays on this site.
    """
    target = local_path(request, request.POST.get("next"), comment.article.get_absolute_url())
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
    raw = request.POST.get("value", "")
    value = next((v for v in VOTE_VALUES if str(v) == raw), None)  # vote_cast refuses None
    try:
        up, down, current = vote_cast(comment=comment, user=request.user, value=value)
    except ActionRefused as exc:
        return _refuse(request, exc.message, exc.status)
    back = _back_to(request, comment)
    if _wants_json(request):
        return JsonResponse({"id": comment.pk, "upvotes": up, "downvotes": down, "value": current})
    return redirect(back)


@require_http_methods(["GET", "POST"])
def flag(request, pk):
    comment = get_object_or_404(Comment.objects.select_related("article", "author"), pk=pk)
    if not comment.takes_reactions():
        raise Http404(_("This comment cannot be flagged."))
    if not request.user.is_authenticated:
        return redirect_to_login(comment.get_absolute_url() + "flag/")
    try:  # refused before the reader fills in the form, not after
        flag_check(comment=comment, user=request.user)
    except ActionRefused as exc:
        context = {"comment": comment, "refusal": exc.message}
        return render(request, "discussions/flag.html", context, status=exc.status)
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
            except ActionRefused as exc:
                return _refuse(request, exc.message, exc.status)
            # Shown beside the comment the reader lands on (site.js moves a message tagged
            # "for-comment-<id>" there), not at the top of a page scrolled to the comment.
            messages.success(
                request,
                _("Thank you. A moderator will review this comment against Rule {number}.").format(
                    number=form.cleaned_data["rule"].number
                ),
                extra_tags="" if held else f"for-comment-{comment.pk}",
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
        return _refuse(request, edit_window_message(), 403)
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
        if form.is_valid() and request.POST.get("preview"):
            attach_preview(form)
            status = 200
        elif form.is_valid():
            try:
                comment = comment_edit(
                    comment=comment, user=request.user, body=form.cleaned_data["body"]
                )
            except ActionRefused as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                messages.success(request, _("Your comment was updated."))
                announce_hold(request, comment)
                return redirect(f"{comment.get_absolute_url()}#comment-{comment.pk}")
    context = {"comment": comment, "form": form, "edit_window": edit_window_message()}
    return render(request, "discussions/edit.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def delete(request, pk):
    comment = get_object_or_404(Comment.objects.select_related("article"), pk=pk)
    if not comment.is_deletable_by(request.user):
        return _refuse(request, _("Only its author can delete a comment."), 403)
    if request.method == "POST":
        try:
            comment_delete(comment=comment, user=request.user)
        except ActionRefused as exc:
            return _refuse(request, exc.message, exc.status)
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
    # Who decided is shown as a role (ModerationAction.public_role): the moderator is not read.
    actions = ModerationAction.objects.select_related("article", "policy_version").order_by(
        "-created_at", "-id"
    )
    page = Paginator(actions, 50).get_page(parse_page(request.GET.get("page")))
    return render(request, "discussions/moderation_log.html", {"page_obj": page})


def csrf_failure(request, reason=""):
    message = _("Your form expired or came from another site. Reload the page and try again.")
    return render(request, "403.html", {"message": message}, status=403)
