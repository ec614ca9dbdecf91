import difflib
import re

from csp.decorators import csp_update
from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.forms import Script
from django.http import Http404
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.urls import path
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django_prose_editor.widgets import AdminProseEditorWidget
from simple_history.admin import SimpleHistoryAdmin

from articles.models import Article, Category, SourceComment, Tag, article_body_clean
from translations.corrections import ArticleCorrectionForm, CorrectionAdminMixin

EDITOR_MODULE = "django_prose_editor/editor.js"

# The hash of the <style> element that the editor (Tiptap inside django-prose-editor 0.28.0)
# adds to the page: the CSS of its `let a4=` in static/django_prose_editor/editor.js, checked
# by tests/articles/test_editor.py. It changes only with the pinned package.
EDITOR_STYLE_HASH = "'sha256-PlumsSlvJ7vvWzjqibGAYKq92O3y/4JTxWWsWJvyUYA='"

# The body's HTML split before each block element, so a revision's diff reads by paragraph.
_BLOCK_START = re.compile(r"(?=<(?:p|h[2-4]|blockquote|ul|ol|li|figure|hr)[\s>])")


def body_lines(html: str) -> list[str]:
    """Return an article body's HTML as one line per block element, for a diff."""
    return [line.strip() for line in _BLOCK_START.split(html or "") if line.strip()]


class ArticleBodyWidget(AdminProseEditorWidget):
    """django-prose-editor's admin widget, started by static/js/admin-prose-editor.js instead
    of the package's preset, which needs an inline import map that the site's CSP forbids."""

    @property
    def media(self):
        return forms.Media(
            css={"all": [f"django_prose_editor/{name}.css"
                         for name in ("material-icons", "editor", "overrides")]},
            js=[Script("js/admin-prose-editor.js", type="module")],
        )  # fmt: skip

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-prose-editor-module"] = static(EDITOR_MODULE)
        return context


# The base form adds the "Correction note" (translations.corrections), not an Article field.
class ArticleAdminForm(ArticleCorrectionForm):
    class Meta:
        model = Article
        fields = ["body"]  # the admin adds the others, from its fieldsets
        widgets = {"body": ArticleBodyWidget}

    def clean_body(self):
        # The editor always sends a paragraph, so an emptied body only shows as empty once
        # cleaned; it is then the same error as a missing one.
        body = article_body_clean(self.cleaned_data["body"])
        if not body:
            raise ValidationError(self.fields["body"].error_messages["required"], code="required")
        return body


class SourceCommentInline(admin.StackedInline):
    model = SourceComment
    extra = 1
    fields = (("platform", "language", "position"), "text", "original_text",
              ("upvotes", "downvotes"), "translator_note")  # fmt: skip
    classes = ("source-comment-inline",)

    class Media:
        # Drag (or move up/down) to reorder; it renumbers the position fields, which still
        # work by hand without JavaScript.
        js = ("js/admin-sortable.js",)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "language":
            kwargs["choices"] = [("", _("Same as the article")), *Article.Language.choices]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


@admin.register(Article)
class ArticleAdmin(CorrectionAdminMixin, SimpleHistoryAdmin):
    form = ArticleAdminForm
    list_display = ("title", "status", "category", "published_at", "comments_open", "source_name")
    list_filter = ("status", "category", "source_language", "comments_open", "tags")
    search_fields = ("title", "dek", "body", "source_name", "translator")
    prepopulated_fields = {"slug": ("title",)}
    date_hierarchy = "published_at"
    filter_horizontal = ("tags",)
    inlines = [SourceCommentInline]
    # Django 6 makes https the default scheme of a URL typed without one; say so now.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    object_history_list_template = "admin/articles/article/object_history_list.html"
    history_diff_template = "admin/articles/article/history_diff.html"
    fieldsets = (
        (
            None,
            {"fields": ("title", "original_title", "slug", "dek", "body", ("category", "tags"))},
        ),
        ("Source", {"fields": ("source_name", "source_url", "source_language", "translator")}),
        (
            "Publishing",
            {
                "fields": (
                    "status",
                    "published_at",
                    "comments_open",
                    "premoderation",
                    "close_comments_after_days",
                )
            },
        ),
    )

    # The editor (Tiptap) adds one <style> element of its own base CSS, which the site's CSP
    # (style-src 'self') blocks; the views that show the editor allow exactly that element by
    # its hash. Every other page keeps the policy unchanged.
    @method_decorator(csp_update({"style-src": EDITOR_STYLE_HASH}))
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return super().changeform_view(request, object_id, form_url, extra_context)

    def revert_disabled(self, request, obj=None):
        # Reverting would write an old discussion_version and comment_count back.
        return True

    # A revision's own page shows its body in the editor too, so the same policy applies.
    @method_decorator(csp_update({"style-src": EDITOR_STYLE_HASH}))
    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_urls(self):
        diff = path(
            "<path:object_id>/history/<int:history_id>/diff/",
            self.admin_site.admin_view(self.history_diff_view),
            name="articles_article_history_diff",
        )
        return [diff, *super().get_urls()]

    def history_diff_view(self, request, object_id, history_id):
        """Show what one revision changed against the revision before it, body line by line."""
        article = self.get_object(request, object_id)
        if article is None:
            raise Http404
        if not self.has_view_history_or_change_history_permission(request, article):
            raise PermissionDenied
        record = article.history.filter(history_id=history_id).first()
        if record is None:
            raise Http404
        previous = record.prev_record
        changes = []
        body_diff = []
        if previous is not None:
            delta = record.diff_against(previous)
            changes = [c for c in delta.changes if c.field != "body"]
            if "body" in delta.changed_fields:
                body_diff = [
                    (line[0], line[2:])
                    for line in difflib.ndiff(body_lines(previous.body), body_lines(record.body))
                    if line[0] in "+- "
                ]
        context = {
            **self.admin_site.each_context(request),
            "title": _("What changed in this revision"),
            "opts": self.model._meta,
            "object": article,
            "record": record,
            "previous": previous,
            "changes": changes,
            "body_diff": body_diff,
        }
        return TemplateResponse(request, self.history_diff_template, context)


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)
