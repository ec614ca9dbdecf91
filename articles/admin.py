from django.contrib import admin
from django.db import models

from articles.models import Article, Category, SourceComment, Tag


class SourceCommentInline(admin.StackedInline):
    model = SourceComment
    extra = 1
    fields = (("platform", "position"), "text", "original_text", ("upvotes", "downvotes"),
              "translator_note")  # fmt: skip


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ("title", "status", "category", "published_at", "comments_open", "source_name")
    list_filter = ("status", "category", "source_language", "comments_open", "tags")
    search_fields = ("title", "dek", "body", "source_name", "translator")
    prepopulated_fields = {"slug": ("title",)}
    date_hierarchy = "published_at"
    filter_horizontal = ("tags",)
    inlines = [SourceCommentInline]
    # Django 6 makes https the default scheme of a URL typed without one; say so now.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = (
        (None, {"fields": ("title", "slug", "dek", "body", ("category", "tags"))}),
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
