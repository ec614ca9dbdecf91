from datetime import timedelta

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseNotAllowed, JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.timesince import timesince
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from django.views.decorators.cache import never_cache

from accounts.models import may_sanction
from articles.models import Article
from core.admin import AppendOnlyAdmin, DecidedByActionsAdmin
from discussions.models import (
    Comment,
    CommentRevision,
    Flag,
    ModerationAction,
    PolicyRule,
    QueuedComment,
    RejectedComment,
    Sanction,
    ScreeningWord,
)
from discussions.services import (
    ModerationError,
    comment_moderate,
    policy_publish,
    sanction_lift,
    user_sanction,
)

Action = ModerationAction.Action


class RemoveForm(forms.Form):
    rule = forms.ModelChoiceField(queryset=PolicyRule.objects.all(), label=_("Rule applied"))
    note = forms.CharField(label=_("Note (optional)"), required=False, max_length=500)


def _apply(modeladmin, request, queryset, action, rule=None, note=""):
    done = 0
    for comment in queryset:
        try:
            comment_moderate(
                comment=comment, moderator=request.user, action=action, rule=rule, note=note
            )
            done += 1
        except ModerationError as exc:
            modeladmin.message_user(request, f"#{comment.pk}: {exc.message}", messages.WARNING)
    if done:
        modeladmin.message_user(
            request, _("{n} comment(s): {action}.").format(n=done, action=Action(action).label)
        )


@admin.action(description=_("Approve (make visible)"), permissions=["change"])
def approve(modeladmin, request, queryset):
    _apply(modeladmin, request, queryset, Action.APPROVE)


@admin.action(description=_("Remove, citing a rule…"), permissions=["change"])
def remove(modeladmin, request, queryset):
    form = RemoveForm(request.POST if "apply" in request.POST else None)
    if "apply" in request.POST and form.is_valid():
        _apply(modeladmin, request, queryset, Action.REMOVE,
               form.cleaned_data["rule"], form.cleaned_data["note"])  # fmt: skip
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": _("Remove comments"),
        "comments": queryset,
        "form": form,
        "opts": modeladmin.model._meta,
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/discussions/remove_comments.html", context)


@admin.action(description=_("Mark as spam"), permissions=["change"])
def mark_spam(modeladmin, request, queryset):
    _apply(
        modeladmin,
        request,
        queryset,
        Action.SPAM,
        PolicyRule.objects.filter(code=PolicyRule.SPAM).first(),
    )


@admin.action(description=_("Feature as an editors' pick"), permissions=["change"])
def feature(modeladmin, request, queryset):
    _apply(modeladmin, request, queryset, Action.FEATURE)


@admin.action(description=_("Stop featuring"), permissions=["change"])
def unfeature(modeladmin, request, queryset):
    _apply(modeladmin, request, queryset, Action.UNFEATURE)


class RevisionInline(admin.TabularInline):
    model = CommentRevision
    fields = ("replaced_at", "body")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class FlagInline(admin.TabularInline):
    model = Flag
    fields = ("created_at", "user", "rule", "note", "resolved")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


# mptt's nested-set columns: written only by the locked services, meaningless to a moderator.
TREE_FIELDS = ("lft", "rght", "tree_id", "level")


class ReadOnlyCommentAdmin(DecidedByActionsAdmin):
    """Comments are changed only through moderation actions, never by saving the form:
    saving a Comment would write tree positions outside the locked service."""

    actions = [approve, remove, mark_spam, feature, unfeature]
    inlines = [FlagInline, RevisionInline]
    list_select_related = ("article", "author", "parent")
    search_fields = ("body", "guest_name", "author__username", "author__display_name")
    exclude = ("body_html", *TREE_FIELDS)

    def get_readonly_fields(self, request, obj=None):
        hidden = {"body_html", *TREE_FIELDS}
        return [f.name for f in self.model._meta.fields if f.name not in hidden]

    def save_model(self, request, obj, form, change):
        """Do nothing: every field is read-only and decisions go through the actions."""

    def save_related(self, request, form, formsets, change):
        """Do nothing (see save_model)."""

    @admin.display(description=pgettext_lazy("column heading", "comment"))
    def excerpt(self, obj):
        return Truncator(obj.body).chars(120)

    @admin.display(description=_("in reply to"))
    def parent_excerpt(self, obj):
        return Truncator(obj.parent.body).chars(80) if obj.parent_id else "—"

    @admin.display(description=_("author"))
    def author_name(self, obj):
        return obj.display_name


@admin.register(Comment)
class CommentAdmin(ReadOnlyCommentAdmin):
    list_display = ("excerpt", "author_name", "article", "status", "is_featured", "created_at")
    list_filter = ("status", "is_featured", "created_at")
    date_hierarchy = "created_at"


class QueueArticleFilter(admin.SimpleListFilter):
    title = _("article")
    parameter_name = "article"

    def lookups(self, request, model_admin):
        # Only the articles that have something waiting, newest first: one query.
        waiting = model_admin.queue().values("article_id")
        articles = Article.objects.filter(pk__in=waiting).order_by("-published_at")
        return [(str(pk), title) for pk, title in articles.values_list("pk", "title")[:50]]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(article_id=int(value))
        return queryset


class QueueReasonFilter(admin.SimpleListFilter):
    title = _("reason")
    parameter_name = "reason"

    def lookups(self, request, model_admin):
        return [
            ("flags", _("reader flags")),
            ("screening", _("held by screening")),
            ("edit", _("held after an edit")),
            ("import", _("pending when imported")),
        ]

    def queryset(self, request, queryset):
        held = Q(status=Comment.Status.PENDING, open_flag_count=0)
        # Posted here (held by our screening or after an edit), or pending in an export.
        here = Q(import_source="")
        return {
            "flags": queryset.filter(open_flag_count__gt=0),
            "screening": queryset.filter(held, here, edited_at__isnull=True),
            "edit": queryset.filter(held, here, edited_at__isnull=False),
            "import": queryset.filter(held).exclude(here),
        }.get(self.value(), queryset)


class QueueRuleFilter(admin.SimpleListFilter):
    title = _("rule flagged")
    parameter_name = "rule"

    def lookups(self, request, model_admin):
        return [(str(rule.pk), str(rule)) for rule in PolicyRule.objects.order_by("number")]

    def queryset(self, request, queryset):
        value = self.value()
        if value and value.isdigit():
            flags = Flag.objects.filter(comment=OuterRef("pk"), resolved=False, rule_id=int(value))
            return queryset.filter(Exists(flags))
        return queryset


class QueueAgeFilter(admin.SimpleListFilter):
    title = _("age")
    parameter_name = "age"
    # (value, label, youngest, oldest): how long ago the comment was posted.
    SPANS = (
        ("hour", _("under an hour"), None, timedelta(hours=1)),
        ("day", _("1–24 hours"), timedelta(hours=1), timedelta(days=1)),
        ("week", _("1–7 days"), timedelta(days=1), timedelta(days=7)),
        ("older", _("over a week"), timedelta(days=7), None),
    )

    def lookups(self, request, model_admin):
        return [(value, label) for value, label, _young, _old in self.SPANS]

    def queryset(self, request, queryset):
        now = timezone.now()
        for value, _label, youngest, oldest in self.SPANS:
            if self.value() == value:
                if youngest is not None:
                    queryset = queryset.filter(created_at__lte=now - youngest)
                if oldest is not None:
                    queryset = queryset.filter(created_at__gt=now - oldest)
        return queryset


# An account younger than this is marked "new account" in the queue.
NEW_ACCOUNT_AGE = timedelta(days=7)


@admin.register(QueuedComment)
class QueuedCommentAdmin(ReadOnlyCommentAdmin):
    """Pending and flagged comments, oldest first, with what a moderator needs to decide.

    The list is one query for its rows (every count is an annotation), one for the open flags
    with their rules, and a few for the count and the filters, however long the page."""

    list_display = ("comment_cell", "why_cell", "author_cell")
    list_display_links = None
    list_filter = (QueueReasonFilter, QueueRuleFilter, QueueAgeFilter, QueueArticleFilter)
    list_select_related = ("article", "author", "parent")
    list_per_page = 50
    # One count query, not two: the filtered count is what a moderator needs.
    show_full_result_count = False
    ordering = ("created_at", "pk")
    actions = [approve, remove, mark_spam, feature]
    change_list_template = "admin/discussions/queuedcomment/change_list.html"

    @staticmethod
    def queue():
        """Return the comments waiting for a moderator: held, or carrying open flags."""
        open_flags = Flag.objects.filter(comment=OuterRef("pk"), resolved=False)
        return Comment.objects.filter(Q(status=Comment.Status.PENDING) | Q(Exists(open_flags)))

    def get_queryset(self, request):
        open_flags = Flag.objects.filter(comment=OuterRef("pk"), resolved=False)
        authored = Comment.objects.filter(author=OuterRef("author")).order_by().values("author")
        sanctions = Sanction.objects.filter(user=OuterRef("author")).order_by().values("user")

        def count(queryset):
            return Coalesce(Subquery(queryset.annotate(n=Count("pk")).values("n")[:1]), 0)

        return (
            super()
            .get_queryset(request)
            .filter(Q(status=Comment.Status.PENDING) | Q(Exists(open_flags)))
            .annotate(
                open_flag_count=count(open_flags.order_by().values("comment")),
                author_visible=count(authored.visible_to(None)),
                author_removed=count(
                    authored.filter(status__in=[Comment.Status.REMOVED, Comment.Status.SPAM])
                ),
                author_sanctions=count(sanctions),
                author_sanctioned=Exists(
                    Sanction.objects.in_force().filter(user=OuterRef("author"))
                ),
            )
            .prefetch_related(
                Prefetch(
                    "flags",
                    queryset=Flag.objects.filter(resolved=False)
                    .select_related("rule")
                    .order_by("rule__number", "created_at"),
                    to_attr="open_flags",
                )
            )
        )

    def get_urls(self):
        from discussions.admin_views import dashboard_view, review_view

        info = self.opts.app_label, self.opts.model_name
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/review/", wrap(review_view(self)), name="{}_{}_review".format(*info)),
            path("dashboard/", wrap(dashboard_view(self)), name="{}_{}_dashboard".format(*info)),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """One comment of the queue is reviewed on its review page, in its thread."""
        if request.method == "GET" and object_id.isdigit():
            return redirect("admin:discussions_queuedcomment_review", pk=int(object_id))
        return super().change_view(request, object_id, form_url, extra_context)

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            "title": _("Moderation queue: comments to review"),
            **(extra_context or {}),
            # The "why" column's index in the list (after the checkbox): ?o=-2 is most flagged.
            "most_flagged_query": "o=-2.1",
            "oldest_query": "o=1",
        }
        return super().changelist_view(request, extra_context)

    @admin.display(description=pgettext_lazy("column heading", "comment"), ordering="created_at")
    def comment_cell(self, obj):
        review = reverse("admin:discussions_queuedcomment_review", args=[obj.pk])
        reply = ""
        if obj.parent_id:
            reply = format_html(
                '<span class="queue-reply">{} {}</span>',
                _("in reply to:"),
                Truncator(obj.parent.body).chars(80),
            )
        return format_html(
            '<a class="queue-review" href="{}">{}</a>{}'
            '<span class="queue-meta"><span class="queue-article">{}</span> · '
            '<time datetime="{}" title="{}">{}</time> · {}</span>',
            review,
            Truncator(obj.body).chars(200),
            reply,
            obj.article.title,
            obj.created_at.isoformat(),
            date_format(timezone.localtime(obj.created_at), "DATETIME_FORMAT"),
            _("{age} ago").format(age=timesince(obj.created_at, depth=1)),
            obj.get_status_display(),
        )

    @admin.display(description=_("why it is here"), ordering="open_flag_count")
    def why_cell(self, obj):
        parts = []
        if obj.open_flags:
            flags = format_html_join(
                "; ",
                "{}",
                (
                    (
                        _("Rule {number} ({note})").format(
                            number=f.rule.number, note=Truncator(f.note).chars(60)
                        )
                        if f.note
                        else _("Rule {number}").format(number=f.rule.number),
                    )
                    for f in obj.open_flags
                ),
            )
            parts.append(
                format_html(
                    '<span class="queue-flags"><strong>{}</strong> {}</span>',
                    ngettext("{n} flag:", "{n} flags:", len(obj.open_flags)).format(
                        n=len(obj.open_flags)
                    ),
                    flags,
                )
            )
        if held := obj.held_because():
            parts.append(format_html('<span class="queue-hold">{}</span>', held))
        if obj.author_id and timezone.now() - obj.author.date_joined < NEW_ACCOUNT_AGE:
            parts.append(format_html('<span class="queue-badge">{}</span>', _("new account")))
        if not parts:
            return "—"
        return format_html_join("", "{}", ((part,) for part in parts))

    @admin.display(description=_("author's history"))
    def author_cell(self, obj):
        if not obj.author_id:
            return _("guest: {name}").format(name=obj.guest_name or "—")
        age = (timezone.now() - obj.author.date_joined).days
        history = _("{visible} visible, {removed} removed, {sanctions} sanctions").format(
            visible=obj.author_visible, removed=obj.author_removed, sanctions=obj.author_sanctions
        )
        return format_html(
            '<span class="queue-author">{}</span><span class="queue-history">{}</span>'
            '<span class="queue-history">{}</span>{}',
            obj.author.public_name,
            history,
            ngettext("account {n} day old", "account {n} days old", age).format(n=age),
            format_html(' <strong class="queue-badge">{}</strong>', _("sanctioned"))
            if obj.author_sanctioned
            else "",
        )


@admin.register(PolicyRule)
class PolicyRuleAdmin(admin.ModelAdmin):
    list_display = ("number", "title")
    ordering = ("number",)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        version = policy_publish()
        self.message_user(request, _("Published as policy version {n}.").format(n=version.number))

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        policy_publish()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        policy_publish()


@admin.register(ScreeningWord)
class ScreeningWordAdmin(admin.ModelAdmin):
    list_display = ("phrase", "kind", "rule")
    list_filter = ("kind",)
    search_fields = ("phrase",)


class UsernameInput(forms.TextInput):
    """A username typed in full, with suggestions as one types (static/js/admin-sanction-user.js
    fills the datalist from SanctionAdmin.users_view); without the script, typing the exact
    username works the same."""

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", "spellcheck": "false", **(attrs or {})})

    class Media:
        js = ("js/admin-sanction-user.js",)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["list"] = f"{attrs.get('id') or name}-options"
        context["widget"]["attrs"]["data-autocomplete-url"] = reverse(
            "admin:discussions_sanction_users"
        )
        return context

    def render(self, name, value, attrs=None, renderer=None):
        html = super().render(name, value, attrs, renderer)
        options_id = f"{(attrs or {}).get('id') or name}-options"
        return format_html('{}<datalist id="{}"></datalist>', html, options_id)


class SanctionForm(forms.ModelForm):
    """A new sanction: the reader by username, the rule cited (required), a private note."""

    user = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=UsernameInput(),
        help_text=_("Type the reader's username; suggestions appear as you type."),
    )
    # The moderator filling the form in (SanctionAdmin.get_form sets it).
    moderator = None

    class Meta:
        model = Sanction
        fields = ("user", "kind", "until", "rule", "reason")
        error_messages = {
            "rule": {"required": _("Cite the rule of the Comment Policy this sanction applies.")}
        }

    def clean_user(self):
        name = self.cleaned_data["user"].strip()
        users = get_user_model().objects.filter(is_active=True)
        user = users.filter(username=name).first()
        if user is None:
            # Case aside, when that still names one account only.
            matches = list(users.filter(username__iexact=name)[:2])
            user = matches[0] if len(matches) == 1 else None
        if user is None:
            raise forms.ValidationError(
                _("No reader has the username “{name}”. Type it exactly as it is spelled.").format(
                    name=name
                ),
                code="unknown_user",
            )
        if not may_sanction(self.moderator, user):
            raise forms.ValidationError(
                _("Only a superuser can sanction a staff account."), code="staff_target"
            )
        return user

    def clean(self):
        data = super().clean()
        if data.get("kind") == Sanction.Kind.SUSPENSION:
            until = data.get("until")
            if until is None or until <= timezone.now():
                self.add_error("until", _("A suspension needs an end date in the future."))
        return data


@admin.action(description=_("Lift the selected sanctions"), permissions=["change"])
def lift(modeladmin, request, queryset):
    lifted = 0
    for sanction in queryset.filter(lifted_at__isnull=True).select_related("user", "rule"):
        lifted += sanction_lift(sanction=sanction, moderator=request.user)
    modeladmin.message_user(
        request,
        ngettext("{n} sanction lifted.", "{n} sanctions lifted.", lifted).format(n=lifted),
    )


@admin.register(Sanction)
class SanctionAdmin(admin.ModelAdmin):
    """Sanctions by username, citing a rule; lifted early from the list or the change page.

    users/ answers the username suggestions (moderators only; usernames and display names,
    never emails); add/?user=<id>&comment=<id> starts from a comment in the queue."""

    form = SanctionForm
    list_display = ("user", "kind", "until", "rule", "reason", "created_by", "created_at",
                    "lifted_at")  # fmt: skip
    list_filter = ("kind",)
    list_select_related = ("user", "rule", "created_by")
    search_fields = ("user__username", "user__display_name")
    actions = [lift]
    readonly_fields_of_existing = ("user", "kind", "until", "rule", "reason", "created_by",
                                   "created_at", "lifted_at")  # fmt: skip

    def get_urls(self):
        own = [
            path("users/", never_cache(self.users_view), name="discussions_sanction_users"),
            path(
                "<int:object_id>/lift/",
                self.admin_site.admin_view(self.lift_view),
                name="discussions_sanction_lift",
            ),
        ]
        return own + super().get_urls()

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields_of_existing if obj else ()

    def get_form(self, request, obj=None, **kwargs):
        if obj is not None:
            kwargs["form"] = forms.ModelForm
            return super().get_form(request, obj, **kwargs)
        form = super().get_form(request, obj, **kwargs)
        form.moderator = request.user
        return form

    def get_changeform_initial_data(self, request):
        """Prefill from ?user=<id> and/or ?comment=<id> (the comment's author)."""
        initial = {}
        user = self._prefill_user(request)
        if user is not None:
            initial["user"] = user.username
        return initial

    def _source_comment(self, request):
        raw = request.GET.get("comment", "")
        if not raw.isascii() or not raw.isdigit():
            return None
        comment = (
            Comment.objects.select_related("author", "article")
            .filter(pk=int(raw), author__isnull=False)
            .first()
        )
        raw_user = request.GET.get("user", "")
        if comment is not None and raw_user and raw_user != str(comment.author_id):
            return None  # a user and a comment of someone else: show neither as the source
        return comment

    def _prefill_user(self, request):
        comment = self._source_comment(request)
        if comment is not None:
            return comment.author
        raw = request.GET.get("user", "")
        if raw.isascii() and raw.isdigit():
            return get_user_model().objects.filter(pk=int(raw), is_active=True).first()
        return None

    def add_view(self, request, form_url="", extra_context=None):
        extra_context = {**(extra_context or {}), "source_comment": self._source_comment(request)}
        return super().add_view(request, form_url, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
            "show_delete": False,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["can_lift"] = (
            obj is not None and obj.is_in_force() and self.has_change_permission(request, obj)
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        if change:
            return
        try:
            created = user_sanction(user=obj.user, kind=obj.kind, until=obj.until, rule=obj.rule,
                                    reason=obj.reason, moderator=request.user)  # fmt: skip
        except ModerationError as exc:
            raise PermissionDenied(exc.message) from exc
        obj.pk = created.pk
        obj._state.adding = False

    def has_delete_permission(self, request, obj=None):
        return False

    def users_view(self, request):
        """Return up to 10 active accounts whose username starts with ?q= (or whose display
        name holds it), as {"results": [{"username", "display_name"}]}: moderators only."""
        if not (self.admin_site.has_permission(request) and request.user.is_moderator):
            return JsonResponse({"error": _("Only moderators can look up readers.")}, status=403)
        query = request.GET.get("q", "").replace("\x00", "").strip()[:150]
        results = []
        if query:
            results = list(
                get_user_model()
                .objects.filter(is_active=True)
                .filter(Q(username__istartswith=query) | Q(display_name__icontains=query))
                .order_by("username")
                .values("username", "display_name")[:10]
            )
        return JsonResponse({"results": results})

    def lift_view(self, request, object_id):
        """Lift one sanction early (the change page's button): POST, moderators only."""
        sanction = Sanction.objects.select_related("user", "rule").filter(pk=object_id).first()
        if sanction is None:
            raise Http404
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_change_permission(request, sanction):
            raise PermissionDenied
        if sanction_lift(sanction=sanction, moderator=request.user):
            self.message_user(request, _("The sanction is lifted."))
        else:
            self.message_user(request, _("The sanction was lifted already."), messages.WARNING)
        return redirect("admin:discussions_sanction_change", sanction.pk)


@admin.register(ModerationAction)
class ModerationActionAdmin(AppendOnlyAdmin):
    """The moderators' own log: who did what (the public log names only the role)."""

    list_display = ("created_at", "moderator", "public_role", "action", "rule_number",
                    "policy_version", "comment", "target_user", "note")  # fmt: skip
    list_filter = ("action", "source")
    list_select_related = ("moderator", "comment", "target_user", "policy_version")
    search_fields = ("moderator__username", "target_user__username")

    @admin.display(description=_("as the public log says it"))
    def public_role(self, obj):
        return obj.public_role()


@admin.register(Flag)
class FlagAdmin(AppendOnlyAdmin):
    list_display = ("created_at", "comment", "user", "rule", "note", "resolved")
    list_filter = ("resolved", "rule")
    list_select_related = ("comment", "user", "rule")


@admin.register(RejectedComment)
class RejectedCommentAdmin(AppendOnlyAdmin):
    list_display = ("created_at", "author", "article", "code", "reason")
    list_filter = ("code",)
    list_select_related = ("author", "article")
