from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

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


class ReadOnlyCommentAdmin(admin.ModelAdmin):
    """Comments are changed only through moderation actions, never by saving the form:
    saving a Comment would write tree positions outside the locked service."""

    actions = [approve, remove, mark_spam, feature, unfeature]
    inlines = [FlagInline, RevisionInline]
    list_select_related = ("article", "author", "parent")
    search_fields = ("body", "guest_name", "author__username", "author__display_name")
    exclude = ("body_html",)

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if f.name != "body_html"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        """The change permission stands for the moderation actions on the list (asked without
        an object); one comment's page is view-only (has_view_permission), so posting it
        answers 403 and nothing is saved."""
        if obj is not None:
            return False
        return super().has_change_permission(request)

    def save_model(self, request, obj, form, change):
        """Do nothing: every field is read-only and decisions go through the actions."""

    def save_related(self, request, form, formsets, change):
        """Do nothing (see save_model)."""

    @admin.display(description=_("comment"))
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


@admin.register(QueuedComment)
class QueuedCommentAdmin(ReadOnlyCommentAdmin):
    """Pending and flagged comments, oldest first, with what a moderator needs to decide."""

    list_display = ("excerpt", "article", "parent_excerpt", "author_history", "flag_summary",
                    "hold_reason", "created_at")  # fmt: skip
    list_filter = ("status",)
    ordering = ("created_at",)

    def get_queryset(self, request):
        open_flags = Flag.objects.filter(comment=OuterRef("pk"), resolved=False)
        authored = Comment.objects.filter(author=OuterRef("author")).order_by().values("author")
        sanction = Sanction.objects.in_force().filter(user=OuterRef("author"))

        def count(status):
            return Subquery(authored.filter(status=status).annotate(n=Count("pk")).values("n")[:1])

        return (
            super()
            .get_queryset(request)
            .filter(Q(status=Comment.Status.PENDING) | Q(Exists(open_flags)))
            .annotate(
                author_visible=count(Comment.Status.VISIBLE),
                author_removed=count(Comment.Status.REMOVED),
                author_sanctioned=Exists(sanction),
            )
            .prefetch_related("flags__rule")
        )

    @admin.display(description=_("author's history"))
    def author_history(self, obj):
        if not obj.author_id:
            return _("guest: {name}").format(name=obj.guest_name or "—")
        age = (timezone.now() - obj.author.date_joined).days
        return format_html(
            "{} · {} visible, {} removed · account {} days old{}",
            obj.author.public_name,
            obj.author_visible or 0,
            obj.author_removed or 0,
            age,
            format_html(" · <strong>{}</strong>", _("sanctioned")) if obj.author_sanctioned else "",
        )

    @admin.display(description=_("flags"))
    def flag_summary(self, obj):
        flags = [f for f in obj.flags.all() if not f.resolved]
        if not flags:
            return "—"
        return "; ".join(
            f"Rule {f.rule.number}" + (f" ({Truncator(f.note).chars(60)})" if f.note else "")
            for f in flags
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


class SanctionForm(forms.ModelForm):
    class Meta:
        model = Sanction
        fields = ("user", "kind", "until", "reason")

    def clean(self):
        data = super().clean()
        if data.get("kind") == Sanction.Kind.SUSPENSION:
            until = data.get("until")
            if until is None or until <= timezone.now():
                self.add_error("until", _("A suspension needs an end date in the future."))
        return data


@admin.action(description=_("Lift the selected sanctions"), permissions=["change"])
def lift(modeladmin, request, queryset):
    for sanction in queryset.filter(lifted_at__isnull=True):
        sanction_lift(sanction=sanction, moderator=request.user)


@admin.register(Sanction)
class SanctionAdmin(admin.ModelAdmin):
    form = SanctionForm
    list_display = ("user", "kind", "until", "reason", "created_by", "created_at", "lifted_at")
    list_filter = ("kind",)
    search_fields = ("user__username", "reason")
    autocomplete_fields = ()
    raw_id_fields = ("user",)
    actions = [lift]

    def get_readonly_fields(self, request, obj=None):
        return ("user", "kind", "until", "reason") if obj else ()

    def save_model(self, request, obj, form, change):
        if change:
            return
        created = user_sanction(user=obj.user, kind=obj.kind, until=obj.until,
                                reason=obj.reason, moderator=request.user)  # fmt: skip
        obj.pk = created.pk

    def has_delete_permission(self, request, obj=None):
        return False


class AppendOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ModerationAction)
class ModerationActionAdmin(AppendOnlyAdmin):
    list_display = ("created_at", "moderator", "action", "rule_number", "policy_version",
                    "comment", "target_user", "note")  # fmt: skip
    list_filter = ("action",)
    list_select_related = ("moderator", "comment", "target_user", "policy_version")


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
