"""The moderators' own admin pages beside the queue: a review page per comment (the comment in
its thread, its author's record, its flags and earlier versions, the decision buttons) and the
lead's dashboard (the queue's size and pace, in aggregate SQL)."""

from datetime import timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Aggregate, Count, DurationField, F, OuterRef, Q, Subquery
from django.db.models.functions import TruncDate
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from discussions import selectors
from discussions.layout import lay_out
from discussions.models import (
    Comment,
    CommentRevision,
    Flag,
    ModerationAction,
    PolicyRule,
    Sanction,
)
from discussions.pages import render_thread, thread_markup
from discussions.services import ModerationError, comment_moderate
from discussions.sorts import Sort

Action = ModerationAction.Action
Status = Comment.Status

# How many siblings of the reviewed comment its thread shows on each side of it.
SIBLINGS_AROUND = 2
# The review page's thread reads as it was written: oldest first.
REVIEW_SORT = Sort.OLDEST
# How many of the author's latest comments the review page lists.
RECENT_COMMENTS = 8
# The dashboard's window, in days.
DASHBOARD_DAYS = 30
# The decisions that take a comment out of the queue.
DECISIONS = (Action.APPROVE, Action.REMOVE, Action.SPAM)


class ReviewForm(forms.Form):
    """One decision on one comment: approve, remove citing a rule, or spam."""

    decision = forms.ChoiceField(
        choices=[
            (Action.APPROVE, gettext_lazy("Approve")),
            (Action.REMOVE, gettext_lazy("Remove")),
            (Action.SPAM, gettext_lazy("Spam")),
        ]
    )
    rule = forms.ModelChoiceField(
        queryset=PolicyRule.objects.all(),
        required=False,
        label=gettext_lazy("Rule applied"),
        empty_label=gettext_lazy("— choose the rule it breaks —"),
    )
    note = forms.CharField(label=gettext_lazy("Note (optional)"), required=False, max_length=500)
    # The status the moderator saw: a decision on a comment that changed since is refused.
    seen = forms.ChoiceField(choices=Status.choices, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean()
        if data.get("decision") == Action.REMOVE and data.get("rule") is None:
            self.add_error(
                "rule",
                forms.ValidationError(
                    _("Choose the rule the comment breaks to remove it."), code="required"
                ),
            )
        return data


def thread_rows(comment, *, viewer) -> list:
    """Return the discussion rows around the comment, for the thread renderer, in one read
    (selectors.subtree_rows): its ancestors, itself and its replies, and up to
    SIBLINGS_AROUND siblings on each side (without their replies)."""
    near = []
    if comment.parent_id is not None:
        siblings = Comment.objects.filter(parent_id=comment.parent_id).exclude(pk=comment.pk)
        before = siblings.filter(lft__lt=comment.lft).order_by("-lft").values("pk")
        after = siblings.filter(lft__gt=comment.lft).order_by("lft").values("pk")
        near = [
            row["pk"] for row in before[:SIBLINGS_AROUND].union(after[:SIBLINGS_AROUND], all=True)
        ]
    return selectors.subtree_rows(comment, sort=REVIEW_SORT, viewer=viewer, also=near)


def review_context(model_admin, request, comment, form) -> dict:
    """Return what the review page shows of the comment: its thread, its flags and versions,
    its author's recent comments and sanctions in force."""
    sort = REVIEW_SORT
    rows = thread_rows(comment, viewer=request.user)
    layout = lay_out(rows, focus_id=comment.pk, base_level=comment.level)
    author = comment.author
    recent = sanctions = ()
    if author is not None:
        recent = (
            Comment.objects.filter(author=author)
            .exclude(pk=comment.pk)
            .select_related("article", "status_rule")
            .order_by("-created_at")[:RECENT_COMMENTS]
        )
        sanctions = Sanction.objects.in_force().filter(user=author).order_by("-created_at")
    opts = model_admin.model._meta
    sanction_url = reverse("admin:discussions_sanction_add")
    return {
        **model_admin.admin_site.each_context(request),
        "opts": opts,
        "title": _("Review comment #{id}").format(id=comment.pk),
        "comment": comment,
        "thread_html": thread_markup(render_thread(layout, sort=sort, focus_id=comment.pk)),
        "in_thread": comment.pk in layout.rendered_ids,
        "flags": Flag.objects.filter(comment=comment)
        .select_related("rule")
        .order_by("resolved", "created_at"),
        "revisions": CommentRevision.objects.filter(comment=comment).order_by("-replaced_at"),
        "recent": recent,
        "sanctions": sanctions,
        "form": form,
        "sanction_url": (
            f"{sanction_url}?user={author.pk}&comment={comment.pk}" if author is not None else ""
        ),
        "queue_url": reverse("admin:discussions_queuedcomment_changelist"),
        "can_decide": model_admin.has_change_permission(request),
    }


def next_in_queue(model_admin, after: Comment):
    """Return the queue's next comment to review after this one (oldest first), or None."""
    queue = model_admin.queue().exclude(pk=after.pk).order_by("created_at", "pk")
    return queue.filter(created_at__gte=after.created_at).first() or queue.first()


def review_view(model_admin):
    """Return the review page of one comment of the queue (GET) and its decisions (POST)."""

    @require_http_methods(["GET", "POST"])
    def view(request, pk):
        if not model_admin.has_view_permission(request):
            raise PermissionDenied
        comment = get_object_or_404(
            Comment.objects.select_related("article", "author", "parent"), pk=pk
        )
        if request.method == "GET":
            form = ReviewForm(initial={"seen": comment.status})
            context = review_context(model_admin, request, comment, form)
            return TemplateResponse(request, "admin/discussions/queuedcomment/review.html", context)
        if not model_admin.has_change_permission(request):
            raise PermissionDenied
        form = ReviewForm(request.POST)
        if not form.is_valid():
            context = review_context(model_admin, request, comment, form)
            return TemplateResponse(
                request, "admin/discussions/queuedcomment/review.html", context, status=400
            )
        data = form.cleaned_data
        action = data["decision"]
        rule = data["rule"]
        if action == Action.SPAM:
            rule = PolicyRule.objects.filter(code=PolicyRule.SPAM).first() or rule
        comment.status = data["seen"]
        try:
            comment_moderate(
                comment=comment, moderator=request.user, action=action, rule=rule, note=data["note"]
            )
        except ModerationError as exc:
            messages.warning(request, exc.message)
            return redirect("admin:discussions_queuedcomment_review", pk=comment.pk)
        messages.success(
            request,
            _("Comment #{id}: {action}.").format(id=comment.pk, action=Action(action).label),
        )
        following = next_in_queue(model_admin, comment)
        if following is None:
            return redirect("admin:discussions_queuedcomment_changelist")
        return redirect("admin:discussions_queuedcomment_review", pk=following.pk)

    return view


class Median(Aggregate):
    """PostgreSQL's continuous median of an expression (an interval here)."""

    function = "percentile_cont"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"


def dashboard_numbers(now=None) -> dict:
    """Return the dashboard's figures for the last DASHBOARD_DAYS days, in four queries: the
    queue's size, held and decided per day, the median time from hold to decision, and the
    decisions per rule."""
    from discussions.admin import QueuedCommentAdmin

    now = now or timezone.now()
    since = now - timedelta(days=DASHBOARD_DAYS)
    queue_size = QueuedCommentAdmin.queue().count()
    log = ModerationAction.objects.filter(created_at__gte=since)
    tz = timezone.get_current_timezone()
    per_day = {
        row["day"]: row
        for row in log.filter(action__in=[Action.HOLD, *DECISIONS])
        .annotate(day=TruncDate("created_at", tzinfo=tz))
        .values("day")
        .annotate(
            held=Count("pk", filter=Q(action=Action.HOLD)),
            decided=Count("pk", filter=Q(action__in=DECISIONS)),
        )
        .order_by("day")
    }
    # Each decision is paired with the latest hold of its comment before it.
    last_hold = (
        ModerationAction.objects.filter(
            comment_id=OuterRef("comment_id"),
            action=Action.HOLD,
            created_at__lte=OuterRef("created_at"),
        )
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    timing = (
        log.filter(action__in=DECISIONS, comment__isnull=False)
        .annotate(held_at=Subquery(last_hold))
        .filter(held_at__isnull=False)
        .aggregate(
            median=Median(F("created_at") - F("held_at"), output_field=DurationField()),
            pairs=Count("pk"),
        )
    )
    per_rule = list(
        log.filter(action__in=DECISIONS)
        .values("rule_number", "rule_title")
        .annotate(
            total=Count("pk"),
            approved=Count("pk", filter=Q(action=Action.APPROVE)),
            removed=Count("pk", filter=Q(action=Action.REMOVE)),
            spam=Count("pk", filter=Q(action=Action.SPAM)),
        )
        .order_by("rule_number")
    )
    today = timezone.localtime(now, tz).date()
    days = []
    for offset in range(DASHBOARD_DAYS - 1, -1, -1):
        day = today - timedelta(days=offset)
        row = per_day.get(day, {})
        days.append({"day": day, "held": row.get("held", 0), "decided": row.get("decided", 0)})
    return {
        "queue_size": queue_size,
        "days": days,
        "median": timing["median"],
        "pairs": timing["pairs"],
        "per_rule": per_rule,
    }


# The chart's geometry, in SVG user units.
CHART_WIDTH = 640
CHART_HEIGHT = 160
CHART_TOP = 10
CHART_BOTTOM = 20


def chart_bars(days) -> dict:
    """Return the bars of the held/decided chart: two per day, scaled to the busiest day."""
    peak = max([1, *(max(d["held"], d["decided"]) for d in days)])
    slot = CHART_WIDTH / len(days)
    bar = slot * 0.4
    usable = CHART_HEIGHT - CHART_TOP - CHART_BOTTOM
    bars = []
    for index, day in enumerate(days):
        x = index * slot
        for shift, kind in ((0.1, "held"), (0.5, "decided")):
            height = usable * day[kind] / peak
            bars.append(
                {
                    "kind": kind,
                    "x": round(x + slot * shift, 1),
                    "y": round(CHART_TOP + usable - height, 1),
                    "width": round(bar, 1),
                    "height": round(height, 1),
                    "label": _("{day}: {n} {kind}").format(
                        day=day["day"].isoformat(),
                        n=day[kind],
                        kind=_("held") if kind == "held" else _("decided"),
                    ),
                }
            )
    return {
        "bars": bars,
        "peak": peak,
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "baseline": CHART_HEIGHT - CHART_BOTTOM,
        "first": days[0]["day"],
        "last": days[-1]["day"],
        "label_y": CHART_HEIGHT - 5,
    }


def duration_words(value) -> str:
    """Return a duration as hours and minutes ("3 h 05 min"), or a dash for none."""
    if value is None:
        return "—"
    minutes = int(value.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return _("{h} h {m:02d} min").format(h=hours, m=minutes)
    return _("{m} min").format(m=minutes)


def dashboard_view(model_admin):
    """Return the moderators' lead's dashboard view."""

    @require_http_methods(["GET"])
    def view(request):
        if not model_admin.has_view_permission(request):
            raise PermissionDenied
        numbers = dashboard_numbers()
        context = {
            **model_admin.admin_site.each_context(request),
            "opts": model_admin.model._meta,
            "title": _("Moderation dashboard"),
            **numbers,
            "median_words": duration_words(numbers["median"]),
            "chart": chart_bars(numbers["days"]),
            "queue_url": reverse("admin:discussions_queuedcomment_changelist"),
            "window": DASHBOARD_DAYS,
        }
        return TemplateResponse(request, "admin/discussions/dashboard.html", context)

    return view
